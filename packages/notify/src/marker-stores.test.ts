import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVirtualClock } from '../test/virtual-clock.js';
import {
  type BucketClient,
  createFileMarkerStore,
  markerObjectPath,
  parseMarkerBucketUri,
} from './file-marker-store.js';
import { formatRecordedAt, sortedJson } from './marker-json.js';
import { createMemoryMarkerStore, type MarkerStore } from './marker-store.js';
import { createSqliteMarkerStore } from './sqlite-marker-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-notify-markers-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NS = 'strategy_plugin_email_alerts';
const KEY =
  'strategy_plugin_email_alert/ibkr-paper-tqqq/tqqq_growth_income/crisis_response_shadow/2026-05-24/true_crisis/defend/453e36e32ffb9ff8';

type Factory = (opts: { now: () => number; ttlMs?: number }) => MarkerStore;
const stores: Array<[string, Factory]> = [
  ['memory', (o) => createMemoryMarkerStore(o)],
  ['file', (o) => createFileMarkerStore({ path: path.join(dir, 'markers'), ...o })],
  ['sqlite', (o) => createSqliteMarkerStore({ path: path.join(dir, 'markers.db'), ...o })],
];

describe.each(stores)('%s marker store', (_name, make) => {
  it('records and finds markers per (namespace, key)', async () => {
    const clock = createVirtualClock();
    const store = make({ now: clock.now });
    expect(await store.has(NS, KEY)).toBe(false);
    await store.record(NS, KEY, { subject: 'S', plugin: 'crisis_response_shadow' });
    expect(await store.has(NS, KEY)).toBe(true);
    expect(await store.has('strategy_plugin_sms_alerts', KEY)).toBe(false);
    expect(await store.has(NS, `${KEY}x`)).toBe(false);
    await store.close?.();
  });

  it('treats markers older than the TTL as absent, per store or per call', async () => {
    const clock = createVirtualClock();
    const store = make({ now: clock.now, ttlMs: 60_000 });
    await store.record(NS, KEY, { subject: 'S' });
    clock.advance(59_000);
    expect(await store.has(NS, KEY)).toBe(true);
    clock.advance(1_000);
    expect(await store.has(NS, KEY)).toBe(false);
    expect(await store.has(NS, KEY, { ttlMs: 120_000 })).toBe(true);
    // Re-recording refreshes the marker.
    await store.record(NS, KEY, { subject: 'S' });
    expect(await store.has(NS, KEY)).toBe(true);
    await store.close?.();
  });
});

describe('file marker store layout (QuantPlatformKit-compatible)', () => {
  it('writes <root>/<namespace>/<cleanKey>.json with sorted keys, 2-space indent, raw non-ASCII', async () => {
    const now = Date.UTC(2026, 4, 24, 8, 30, 15, 123);
    const store = createFileMarkerStore({ path: path.join(dir, 'm'), now: () => now });
    await store.record(NS, KEY, { subject: '市场 alert', z: 1, a: { y: true, b: null } });
    const file = path.join(dir, 'm', NS, `${KEY}.json`);
    expect(markerObjectPath(NS, KEY)).toBe(`${NS}/${KEY}.json`);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(
      [
        '{',
        `  "alert_key": "${KEY}",`,
        '  "metadata": {',
        '    "a": {',
        '      "b": null,',
        '      "y": true',
        '    },',
        '    "subject": "市场 alert",',
        '    "z": 1',
        '  },',
        '  "recorded_at": "2026-05-24T08:30:15.123000+00:00",',
        '  "schema_version": "strategy_plugin_email_alert_marker.v1"',
        '}',
      ].join('\n'),
    );
    // No temp files are left behind after a successful write.
    const names = await readdir(path.dirname(file));
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps hostile keys inside the namespace directory', async () => {
    const store = createFileMarkerStore({ path: path.join(dir, 'm') });
    await store.record(NS, '../../../../escape', { subject: 'x' });
    expect(await readdir(path.join(dir, 'm', NS))).toEqual(['escape.json']);
    expect(await store.has(NS, '../../../../escape')).toBe(true);
  });

  it('finds markers written by another writer, using the file time when recorded_at is unreadable', async () => {
    const clock = createVirtualClock(Date.now());
    const store = createFileMarkerStore({ path: path.join(dir, 'm'), now: clock.now, ttlMs: 3_600_000 });
    await store.record(NS, KEY, { subject: 'x' });
    const file = path.join(dir, 'm', NS, `${KEY}.json`);
    await import('node:fs/promises').then((fs) => fs.writeFile(file, 'not json'));
    const old = new Date(clock.now() - 7_200_000);
    await utimes(file, old, old);
    expect(await store.has(NS, KEY)).toBe(false);
    expect(await createFileMarkerStore({ path: path.join(dir, 'm') }).has(NS, KEY)).toBe(true);
  });

  it('expands ~ in the root', async () => {
    const previous = process.env.HOME;
    process.env.HOME = dir;
    try {
      const store = createFileMarkerStore({ path: '~/alerts' });
      await store.record(NS, 'a/b', {});
      expect(await readdir(path.join(dir, 'alerts', NS, 'a'))).toEqual(['b.json']);
    } finally {
      process.env.HOME = previous;
    }
  });

  it('sortedJson and formatRecordedAt follow the Python formats', () => {
    expect(sortedJson({ b: [], a: {}, c: [1, { y: 2, x: 1 }] })).toBe(
      '{\n  "a": {},\n  "b": [],\n  "c": [\n    1,\n    {\n      "x": 1,\n      "y": 2\n    }\n  ]\n}',
    );
    expect(formatRecordedAt(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02T03:04:05.006000+00:00');
  });
});

/**
 * An in-memory stand-in for a cloud bucket (which cannot run here), implementing the client interface
 * the store uses.
 */
function createBucket(): BucketClient & { objects: Map<string, string> } {
  const objects = new Map<string, string>();
  return {
    objects,
    async exists(bucket, object) {
      return objects.has(`${bucket}/${object}`);
    },
    async write(bucket, object, contents) {
      objects.set(`${bucket}/${object}`, contents);
    },
    async read(bucket, object) {
      return objects.get(`${bucket}/${object}`);
    },
  };
}

describe('bucket markers', () => {
  it('writes only to the bucket; has() checks the bucket, then the local directory', async () => {
    const client = createBucket();
    const local = createFileMarkerStore({ path: path.join(dir, 'local') });
    await local.record(NS, 'old/key', { subject: 'written locally before' });
    const store = createFileMarkerStore({
      bucket: 'gs://alerts-bucket/keel/markers/',
      path: path.join(dir, 'local'),
      client,
    });
    await store.record(NS, KEY, { subject: 'x' });
    expect([...client.objects.keys()]).toEqual([`alerts-bucket/keel/markers/${NS}/${KEY}.json`]);
    expect(await readdir(path.join(dir, 'local', NS))).toEqual(['old']);
    expect(await store.has(NS, KEY)).toBe(true);
    expect(await store.has(NS, 'old/key')).toBe(true);
    expect(await store.has(NS, 'never')).toBe(false);
  });

  it('an unreachable bucket does not hide a local marker; with none the bucket error surfaces', async () => {
    const local = createFileMarkerStore({ path: path.join(dir, 'local2') });
    await local.record(NS, 'kept/locally', { subject: 'local' });
    const down = {
      ...createBucket(),
      async exists(): Promise<boolean> {
        throw new Error('bucket unreachable');
      },
    };
    const store = createFileMarkerStore({
      bucket: 'gs://alerts-bucket/m/',
      path: path.join(dir, 'local2'),
      client: down,
    });
    expect(await store.has(NS, 'kept/locally')).toBe(true);
    await expect(store.has(NS, 'nowhere')).rejects.toThrow('bucket unreachable');
  });

  it('parses bucket URIs and rejects bad ones with BAD_MARKER_URI', () => {
    expect(parseMarkerBucketUri('gs://b/p/q/')).toEqual({ scheme: 'gs', bucket: 'b', prefix: 'p/q' });
    expect(parseMarkerBucketUri('s3://b')).toEqual({ scheme: 's3', bucket: 'b', prefix: '' });
    for (const bad of ['http://b/p', 'gs:///prefix', 'ftp://x']) {
      expect(() => parseMarkerBucketUri(bad)).toThrow(expect.objectContaining({ code: 'BAD_MARKER_URI' }));
    }
    expect(() => createFileMarkerStore({ path: 'gcs://bucket/x', client: createBucket() })).toThrow(
      expect.objectContaining({ code: 'BAD_MARKER_URI' }),
    );
    expect(() => createFileMarkerStore({ path: 'gs://bucket/x' })).toThrow(
      expect.objectContaining({ code: 'MISSING_BUCKET_CLIENT' }),
    );
    expect(() => createFileMarkerStore({})).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });
});

describe('sqlite marker store', () => {
  it('persists across reopen', async () => {
    const file = path.join(dir, 'sub', 'markers.db');
    const a = createSqliteMarkerStore({ path: file });
    await a.record(NS, KEY, { subject: 'S' });
    await a.close?.();
    const b = createSqliteMarkerStore({ path: file });
    expect(await b.has(NS, KEY)).toBe(true);
    await b.close?.();
  });
});
