import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeAlerts } from '../test/loopback.js';
import { createConsolePublisher } from './console-publisher.js';
import { dispatchAlerts } from './dispatch.js';
import { createFilePublisher } from './file-publisher.js';
import { createMemoryMarkerStore } from './marker-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-notify-publishers-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('console publisher', () => {
  it('prints one block per alert with subject, body and key', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    const alerts = makeAlerts(2);
    const result = await dispatchAlerts(alerts, {
      publishers: [createConsolePublisher({ stream, width: 40 })],
      markers: createMemoryMarkerStore(),
    });
    expect(result.sent.map((r) => r.provider)).toEqual(['console', 'console']);
    const text = chunks.join('');
    const first = alerts[0] as (typeof alerts)[number];
    expect(text.startsWith(`── ${first.subject} `)).toBe(true);
    expect(text).toContain(`${first.body}\nalert key: ${first.alertKey}\n${'─'.repeat(40)}\n`);
    expect(text.split(`alert key: `)).toHaveLength(3);
    expect(text).not.toContain('\u001b['); // not a TTY → no colour
  });

  it('reports a write failure as a failed delivery', async () => {
    const stream = new PassThrough();
    stream.destroy();
    const result = await dispatchAlerts(makeAlerts(1), {
      publishers: [createConsolePublisher({ stream })],
      markers: createMemoryMarkerStore(),
      retry: { attempts: 1, baseMs: 0, maxMs: 0 },
    });
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]?.reason).toBe('send_failed');
  });
});

describe('file publisher', () => {
  it('appends one JSON line per alert, creating parent directories', async () => {
    const file = path.join(dir, 'nested', 'alerts.jsonl');
    const publisher = createFilePublisher({ path: file });
    const alerts = makeAlerts(3, 'strategy_plugin_alert', { secret_note: 'password=hunter2hunter2' });
    const markers = createMemoryMarkerStore();
    await dispatchAlerts(alerts.slice(0, 2), {
      publishers: [publisher],
      markers,
      now: () => Date.UTC(2026, 4, 24),
    });
    await dispatchAlerts(alerts, { publishers: [publisher], markers, now: () => Date.UTC(2026, 4, 24) });
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.map((l) => l.alert_key)).toEqual(alerts.map((a) => a.alertKey));
    expect(parsed[0]).toMatchObject({
      time: '2026-05-24T00:00:00.000Z',
      channel: 'file',
      subject: alerts[0]?.subject,
      body: alerts[0]?.body,
      locale: 'en-US',
    });
    expect(parsed[0].metadata.secret_note).toBe('password=<redacted>');
  });

  it('validates options', () => {
    expect(() => createFilePublisher({ path: '  ' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS' }),
    );
  });
});
