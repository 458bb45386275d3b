import { mkdir, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base, baseWithout, rejection } from '../test/base-artifact.js';
import { type GcsClientLike, normalizePosixPath, resolveReference } from './artifact-source.js';
import { ArtifactContractError } from './errors.js';
import { parseNotificationTargets, parseStrategyPluginMounts } from './mount-config.js';
import { redactReference } from './reference-redaction.js';
import { loadConfiguredSignals, loadNotificationTargetSignals, loadSignal } from './signal-loader.js';

let dir: string;
const BASE_TEXT = JSON.stringify(base());

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(ArtifactContractError);
  return (error as ArtifactContractError).code;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keel-artifacts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadSignal — local files', () => {
  it('loads a valid artifact and reports the normalised local path', async () => {
    const path = await file('ok.json', BASE_TEXT);
    const signal = await loadSignal(`  ${dir}//./ok.json  `);
    expect(signal.localPath).toBe(path);
    expect(signal.sourceUri).toBeNull();
    expect(signal.strategy).toBe('tqqq_growth_income');
  });

  it('§20 example 2: NOT_FOUND for a missing file and NOT_AN_OBJECT for [1, 2]', async () => {
    expect(await codeOf(loadSignal(join(dir, 'missing.json')))).toBe('NOT_FOUND');
    expect(await codeOf(loadSignal(await file('array.json', '[1, 2]')))).toBe('NOT_AN_OBJECT');
  });

  it('REQUIRED_FIELD for a blank reference', async () => {
    const error = (await rejection(loadSignal('  '))) as ArtifactContractError;
    expect(error).toMatchObject({ code: 'REQUIRED_FIELD', field: 'reference' });
  });

  it('BAD_JSON for invalid JSON, NaN, a BOM and invalid UTF-8', async () => {
    expect(await codeOf(loadSignal(await file('bad.json', '{"a": ')))).toBe('BAD_JSON');
    expect(await codeOf(loadSignal(await file('nan.json', '{"a": NaN}')))).toBe('BAD_JSON');
    expect(await codeOf(loadSignal(await file('bom.json', `\ufeff${BASE_TEXT}`)))).toBe('BAD_JSON');
    expect(
      await codeOf(
        loadSignal(await file('latin1.json', Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]))),
      ),
    ).toBe('BAD_JSON');
  });

  it('READ_FAILED for a directory; NOT_FOUND below a regular file', async () => {
    await mkdir(join(dir, 'subdir'), { recursive: true });
    expect(await codeOf(loadSignal(join(dir, 'subdir')))).toBe('READ_FAILED');
    const path = await file('plain.json', BASE_TEXT);
    expect(await codeOf(loadSignal(join(path, 'child.json')))).toBe('NOT_FOUND');
  });

  it('READ_FAILED for an unreadable file', async () => {
    const path = await file('locked.json', BASE_TEXT);
    await chmod(path, 0o000);
    // root reads a mode-000 file anyway; a directory in the file's place fails to read for everyone.
    const unreadable = process.getuid?.() === 0 ? join(dir, 'a-directory.json') : path;
    if (unreadable !== path) await mkdir(unreadable);
    expect(await codeOf(loadSignal(unreadable))).toBe('READ_FAILED');
  });

  it('TOO_LARGE above maxBytes', async () => {
    const path = await file('big.json', BASE_TEXT);
    expect(await codeOf(loadSignal(path, { maxBytes: 10 }))).toBe('TOO_LARGE');
    expect((await loadSignal(path, { maxBytes: Buffer.byteLength(BASE_TEXT) })).plugin).toBe(
      'crisis_response_shadow',
    );
  });

  it('reads file: URLs; a malformed one is BAD_REFERENCE', async () => {
    const path = await file('url.json', BASE_TEXT);
    const signal = await loadSignal(pathToFileURL(path).href);
    expect(signal.localPath).toBe(path);
    expect(await codeOf(loadSignal('file://remote-host/x.json'))).toBe('BAD_REFERENCE');
  });

  it('validation errors carry the reference and expectations apply', async () => {
    const path = await file('paper.json', JSON.stringify(base({ mode: 'paper' })));
    const error = (await rejection(loadSignal(path))) as ArtifactContractError;
    expect(error).toMatchObject({ code: 'UNSUPPORTED_MODE', field: 'mode', reference: path });
    const ok = await file('ok2.json', BASE_TEXT);
    expect(await codeOf(loadSignal(ok, { strategy: 'global_etf_rotation' }))).toBe('STRATEGY_MISMATCH');
  });

  it('warns once per deprecated plugin', async () => {
    const warnings: unknown[] = [];
    await loadSignal(await file('dep.json', BASE_TEXT), { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([
      { code: 'DEPRECATED_PLUGIN', plugin: 'crisis_response_shadow', successor: 'market_regime_control' },
    ]);
  });

  it('rejects with the caller signal reason when aborted', async () => {
    const reason = new Error('stop');
    const controller = new AbortController();
    controller.abort(reason);
    expect(
      await rejection(loadSignal(await file('abort.json', BASE_TEXT), { signal: controller.signal })),
    ).toBe(reason);
  });
});

describe('reference resolution', () => {
  it('normalises like PurePosixPath and expands ~', () => {
    expect(normalizePosixPath('a//b/./c/')).toBe('a/b/c');
    expect(normalizePosixPath('/a/../b')).toBe('/a/../b');
    expect(normalizePosixPath('')).toBe('.');
    expect(normalizePosixPath('./')).toBe('.');
    expect(normalizePosixPath('///x')).toBe('/x');
    expect(normalizePosixPath('//x')).toBe('//x');
    expect(resolveReference('~/a.json').localPath).toBe(`${homedir()}/a.json`);
    expect(resolveReference('~').localPath).toBe(normalizePosixPath(homedir()));
    expect(resolveReference('~user/a.json').localPath).toBe('~user/a.json');
  });

  it('redacts user-info and secret query values', () => {
    expect(redactReference('https://user:pw@example.com/a.json?token=abc&x=1&API-KEY=k&sig=s#f')).toBe(
      'https://example.com/a.json?token=<redacted>&x=1&API-KEY=<redacted>&sig=s#f',
    );
    expect(redactReference('gs://b/o.json')).toBe('gs://b/o.json');
  });
});

describe('loadSignal — http(s)', () => {
  let server: Server;
  let origin: string;
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const handler = routes.get((req.url ?? '').split('?')[0]!);
      if (handler === undefined) {
        res.statusCode = 404;
        res.end('nope');
        return;
      }
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    routes.set('/ok.json', (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-accept-seen', String(req.headers.accept));
      res.end(BASE_TEXT);
    });
    routes.set('/gone.json', (_req, res) => {
      res.statusCode = 410;
      res.end();
    });
    routes.set('/error.json', (_req, res) => {
      res.statusCode = 503;
      res.end('down');
    });
    // Never answers: the client's timeout is the only way out, however slow the machine.
    routes.set('/slow.json', () => {});
    routes.set('/declared-big.json', (_req, res) => {
      const body = `{"pad": "${'x'.repeat(99_990)}"}`;
      res.setHeader('content-length', String(Buffer.byteLength(body)));
      res.end(body);
    });
    routes.set('/streamed-big.json', (_req, res) => {
      res.write(`{"pad": "${'x'.repeat(5_000)}`);
      res.write(`${'y'.repeat(5_000)}"}`);
      res.end();
    });
    routes.set('/accept.json', (req, res) => {
      res.end(
        JSON.stringify(
          base({ accept_header: req.headers.accept, auth_header: req.headers.authorization ?? null }),
        ),
      );
    });
    for (let i = 0; i < 7; i++) {
      routes.set(`/hop${i}`, (_req, res) => {
        res.statusCode = 302;
        res.setHeader('location', i === 6 ? '/ok.json' : `/hop${i + 1}`);
        res.end();
      });
    }
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('loads over HTTP with Accept: application/json and a redacted sourceUri', async () => {
    const signal = await loadSignal(
      `${origin.replace('http://', 'HTTP://user:secret@')}/accept.json?token=s3cr3t`,
    );
    expect(signal.payload.accept_header).toBe('application/json');
    expect(signal.payload.auth_header).toBe(`Basic ${Buffer.from('user:secret').toString('base64')}`);
    expect(signal.sourceUri).toBe(`${origin.replace('http://', 'HTTP://')}/accept.json?token=<redacted>`);
    expect(signal.localPath).toBeNull();
  });

  it('maps 404/410 to NOT_FOUND and other statuses to READ_FAILED (status in the message)', async () => {
    expect(await codeOf(loadSignal(`${origin}/missing.json`))).toBe('NOT_FOUND');
    expect(await codeOf(loadSignal(`${origin}/gone.json`))).toBe('NOT_FOUND');
    const error = (await rejection(loadSignal(`${origin}/error.json?token=abc`))) as ArtifactContractError;
    expect(error.code).toBe('READ_FAILED');
    expect(error.message).toContain('HTTP 503');
    expect(error.message).not.toContain('abc');
    expect(error.reference).toBe(`${origin}/error.json?token=<redacted>`);
  });

  it('TIMEOUT when the server is too slow', async () => {
    const error = (await rejection(
      loadSignal(`${origin}/slow.json`, { timeoutMs: 100 }),
    )) as ArtifactContractError;
    expect(error.code).toBe('TIMEOUT');
  });

  it('TOO_LARGE from Content-Length and while streaming', async () => {
    expect(await codeOf(loadSignal(`${origin}/declared-big.json`, { maxBytes: 1_000 }))).toBe('TOO_LARGE');
    expect(await codeOf(loadSignal(`${origin}/streamed-big.json`, { maxBytes: 6_000 }))).toBe('TOO_LARGE');
  });

  it('follows up to 5 redirects', async () => {
    expect((await loadSignal(`${origin}/hop2`)).plugin).toBe('crisis_response_shadow');
    expect(await codeOf(loadSignal(`${origin}/hop0`))).toBe('READ_FAILED');
  });

  it('READ_FAILED on a network error; BAD_REFERENCE for a malformed URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await codeOf(loadSignal(`http://127.0.0.1:${port}/x.json`))).toBe('READ_FAILED');
    expect(await codeOf(loadSignal('http://'))).toBe('BAD_REFERENCE');
    expect(await codeOf(loadSignal('https://[bad/x.json'))).toBe('BAD_REFERENCE');
  });

  it('uses an injected fetch', async () => {
    const seen: string[] = [];
    const signal = await loadSignal('https://artifacts.example/x.json', {
      fetch: async (input) => {
        seen.push(String(input));
        return new Response(BASE_TEXT, { status: 200 });
      },
    });
    expect(seen).toEqual(['https://artifacts.example/x.json']);
    expect(signal.sourceUri).toBe('https://artifacts.example/x.json');
  });
});

describe('loadSignal — gs://', () => {
  function fakeGcs(
    objects: Record<string, string>,
    options: { withMetadata?: boolean; failWith?: unknown } = {},
  ): () => GcsClientLike {
    return () => ({
      bucket: (bucket) => ({
        file: (name) => ({
          async download(): Promise<[Uint8Array]> {
            if (options.failWith !== undefined) throw options.failWith;
            const text = objects[`${bucket}/${name}`];
            if (text === undefined) throw Object.assign(new Error('No such object'), { code: 404 });
            return [new TextEncoder().encode(text)];
          },
          ...(options.withMetadata
            ? {
                async getMetadata(): Promise<[{ size?: string | number }]> {
                  const text = objects[`${bucket}/${name}`];
                  return [{ size: String(text === undefined ? 0 : Buffer.byteLength(text)) }];
                },
              }
            : {}),
        }),
      }),
    });
  }

  it('reads through the injected client on every call', async () => {
    const objects = { 'bucket/a/latest_signal.json': BASE_TEXT };
    const factory = fakeGcs(objects);
    const signal = await loadSignal('gs://bucket/a/latest_signal.json', { gcsClientFactory: factory });
    expect(signal.sourceUri).toBe('gs://bucket/a/latest_signal.json');
    expect(signal.localPath).toBeNull();
    objects['bucket/a/latest_signal.json'] = JSON.stringify(base({ as_of: '2026-05-01' }));
    expect((await loadSignal('gs://bucket/a/latest_signal.json', { gcsClientFactory: factory })).asOf).toBe(
      '2026-05-01',
    );
  });

  it('GCS_CLIENT_MISSING before parsing, BAD_REFERENCE, NOT_FOUND, READ_FAILED, TOO_LARGE', async () => {
    expect(await codeOf(loadSignal('gs://'))).toBe('GCS_CLIENT_MISSING');
    const factory = fakeGcs({}, {});
    expect(await codeOf(loadSignal('gs://bucket', { gcsClientFactory: factory }))).toBe('BAD_REFERENCE');
    expect(await codeOf(loadSignal('gs:///object.json', { gcsClientFactory: factory }))).toBe(
      'BAD_REFERENCE',
    );
    expect(await codeOf(loadSignal('gs://bucket/', { gcsClientFactory: factory }))).toBe('BAD_REFERENCE');
    expect(await codeOf(loadSignal('gs://bucket/none.json', { gcsClientFactory: factory }))).toBe(
      'NOT_FOUND',
    );
    const failing = fakeGcs({}, { failWith: Object.assign(new Error('denied'), { code: 403 }) });
    expect(await codeOf(loadSignal('gs://bucket/x.json', { gcsClientFactory: failing }))).toBe('READ_FAILED');
    const big = fakeGcs({ 'b/x.json': BASE_TEXT }, { withMetadata: true });
    expect(await codeOf(loadSignal('gs://b/x.json', { gcsClientFactory: big, maxBytes: 20 }))).toBe(
      'TOO_LARGE',
    );
    const noMeta = fakeGcs({ 'b/x.json': BASE_TEXT });
    expect(await codeOf(loadSignal('gs://b/x.json', { gcsClientFactory: noMeta, maxBytes: 20 }))).toBe(
      'TOO_LARGE',
    );
  });
});

describe('loadConfiguredSignals / loadNotificationTargetSignals', () => {
  it('loads enabled mounts in order, skips disabled and filtered ones without reading them', async () => {
    const a = await file('cfg-a.json', BASE_TEXT);
    const mrc = await file(
      'cfg-mrc.json',
      JSON.stringify(base({ plugin: 'market_regime_control', schema_version: 'market_regime_control.v1' })),
    );
    const mounts = parseStrategyPluginMounts([
      { strategy: 'tqqq_growth_income', plugin: 'crisis_response_shadow', signal_path: a },
      {
        strategy: 'tqqq_growth_income',
        plugin: 'taco_rebound_shadow',
        signal_path: join(dir, 'missing.json'),
        enabled: false,
      },
      {
        strategy: 'global_etf_rotation',
        plugin: 'market_regime_control',
        signal_path: join(dir, 'missing2.json'),
      },
      {
        strategy: 'tqqq_growth_income',
        plugin: 'market_regime_control',
        signal_path: mrc,
        expected_mode: 'shadow',
      },
    ]);
    const signals = await loadConfiguredSignals(mounts, { strategyProfile: ' tqqq_growth_income ' });
    expect(signals.map((s) => s.plugin)).toEqual(['crisis_response_shadow', 'market_regime_control']);
    expect(await loadConfiguredSignals([])).toEqual([]);
  });

  it('fails with the first failing mount in list order, with mountIndex and prefix', async () => {
    const ok = await file('cfg-ok.json', BASE_TEXT);
    const mounts = parseStrategyPluginMounts([
      { strategy: 'tqqq_growth_income', plugin: 'crisis_response_shadow', signal_path: ok },
      { strategy: 'tqqq_growth_income', plugin: 'market_regime_control', signal_path: ok },
      {
        strategy: 'tqqq_growth_income',
        plugin: 'taco_rebound_shadow',
        signal_path: join(dir, 'missing.json'),
      },
    ]);
    const error = (await rejection(loadConfiguredSignals(mounts))) as ArtifactContractError;
    expect(error.code).toBe('PLUGIN_MISMATCH');
    expect(error.mountIndex).toBe(1);
    expect(error.message.startsWith('mount #1 (tqqq_growth_income/market_regime_control): ')).toBe(true);
  });

  it('re-runs the compatibility check and normalises the registry even for an empty list', async () => {
    const mount = {
      strategy: 'global_etf_rotation',
      plugin: 'crisis_response_shadow',
      signalPath: 'x.json',
      enabled: true,
      expectedMode: null,
      expectedSchemaVersion: null,
    } as const;
    const error = (await rejection(loadConfiguredSignals([mount]))) as ArtifactContractError;
    expect(error).toMatchObject({ code: 'UNSUPPORTED_STRATEGY', source: 'mount', mountIndex: 0 });
    expect(await codeOf(loadConfiguredSignals([], { definitions: [{ plugin: '' }] }))).toBe(
      'DEFINITION_INVALID',
    );
    expect(
      await codeOf(loadNotificationTargetSignals([], { definitions: [{ plugin: 'a' }, { plugin: 'a' }] })),
    ).toBe('DUPLICATE_DEFINITION');
  });

  it('a strategy mount pointing at a notification-target artifact is TARGET_MISMATCH, and vice versa', async () => {
    const ntPath = await file(
      'nt.json',
      JSON.stringify(
        baseWithout(['strategy'], {
          plugin: 'market_regime_control',
          schema_version: 'market_regime_control.v1',
          notification_target: 'market_regime_notification',
        }),
      ),
    );
    const strategyPath = await file(
      'st.json',
      JSON.stringify(base({ plugin: 'market_regime_control', schema_version: 'market_regime_control.v1' })),
    );
    const mounts = parseStrategyPluginMounts([
      { strategy: 'tqqq_growth_income', plugin: 'market_regime_control', signal_path: ntPath },
    ]);
    expect(await codeOf(loadConfiguredSignals(mounts))).toBe('TARGET_MISMATCH');
    const targets = parseNotificationTargets([
      {
        notification_target: 'market_regime_notification',
        plugin: 'market_regime_control',
        signal_path: strategyPath,
      },
    ]);
    expect(await codeOf(loadNotificationTargetSignals(targets))).toBe('TARGET_MISMATCH');
    const good = parseNotificationTargets([
      {
        notification_target: 'market_regime_notification',
        plugin: 'market_regime_control',
        signal_path: ntPath,
      },
    ]);
    expect(
      (await loadNotificationTargetSignals(good, { notificationTarget: 'market_regime_notification' }))[0]!
        .targetType,
    ).toBe('notification_target');
    expect(await loadNotificationTargetSignals(good, { notificationTarget: 'other' })).toEqual([]);
  });

  it('re-runs the target check with a replaced table', async () => {
    const targets = parseNotificationTargets([
      {
        notification_target: 'market_regime_notification',
        plugin: 'market_regime_control',
        signal_path: 'x.json',
      },
    ]);
    const error = (await rejection(
      loadNotificationTargetSignals(targets, { notificationTargetRegistry: {} }),
    )) as ArtifactContractError;
    expect(error).toMatchObject({
      code: 'UNSUPPORTED_NOTIFICATION_TARGET',
      source: 'notification_target',
      mountIndex: 0,
    });
  });

  it('warns once per deprecated plugin per call', async () => {
    const a = await file('w1.json', BASE_TEXT);
    const mounts = parseStrategyPluginMounts([
      { strategy: 'tqqq_growth_income', plugin: 'crisis_response_shadow', signal_path: a },
    ]);
    const warnings: unknown[] = [];
    await loadConfiguredSignals([...mounts, { ...mounts[0]! }], { onWarning: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
  });
});
