import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { definePlugin, type KeelPlugin } from '@keel/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHost } from './host.js';
import { createLogger } from './logger.js';

const quiet = () => createLogger({ level: 'silent' });
const ok = (id: string, extra: Partial<KeelPlugin> = {}): KeelPlugin =>
  definePlugin({
    id,
    name: id,
    version: '1.0.0',
    category: 'alpha',
    onBar: () => ({ active: false, score: 0, status: 'ok' }),
    ...extra,
  } as KeelPlugin);

const PLUGIN_SOURCE = (id: string) =>
  `export default { id: '${id}', name: '${id}', version: '1.0.0', category: 'alpha', onBar: () => ({ active: false, score: 0, status: 'ok' }) };\n`;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-host-load-'));
  await writeFile(path.join(dir, 'good.mjs'), PLUGIN_SOURCE('from-file'));
  await writeFile(
    path.join(dir, 'named.mjs'),
    `export const plugin = { id: 'named-export', name: 'n', version: '1.0.0', category: 'fe', setup() {} };\n`,
  );
  await writeFile(path.join(dir, 'throws.mjs'), `throw new Error('exploded at import');\n`);
  await writeFile(path.join(dir, 'empty.mjs'), `export const somethingElse = 1;\n`);
  await writeFile(path.join(dir, 'syntax.mjs'), `export default {\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('host.load', () => {
  it('loads in-memory plugins, files (default or named export) and file URLs', async () => {
    const host = createHost({ services: { logger: quiet() }, resolveFrom: dir });
    const result = await host.load([ok('in-memory'), { plugin: './good.mjs' }, path.join(dir, 'named.mjs')]);
    expect(result.errors).toEqual([]);
    expect(result.loaded.map((p) => [p.id, p.source])).toEqual([
      ['in-memory', 'entry[0]'],
      ['from-file', './good.mjs'],
      ['named-export', path.join(dir, 'named.mjs')],
    ]);
    const other = createHost({ services: { logger: quiet() } });
    const byUrl = await other.load([pathToFileURL(path.join(dir, 'good.mjs')).href]);
    expect(byUrl.loaded.map((p) => p.id)).toEqual(['from-file']);
    expect(host.plugins().map((p) => p.id)).toEqual(['in-memory', 'from-file', 'named-export']);
  });

  it('records an import error for a missing file, a throwing module, a syntax error and a module without a plugin', async () => {
    const host = createHost({ services: { logger: quiet() }, resolveFrom: dir });
    const result = await host.load([
      './missing.mjs',
      ok('survivor-a'),
      './throws.mjs',
      './syntax.mjs',
      './empty.mjs',
      '@keel/no-such-package',
      ok('survivor-b'),
    ]);
    expect(result.loaded.map((p) => p.id)).toEqual(['survivor-a', 'survivor-b']);
    expect(result.errors.map((e) => [e.plugin, e.phase, e.code, e.entry])).toEqual([
      ['./missing.mjs', 'import', 'HOST_IMPORT_FAILED', 0],
      ['./throws.mjs', 'import', 'HOST_IMPORT_FAILED', 2],
      ['./syntax.mjs', 'import', 'HOST_IMPORT_FAILED', 3],
      ['./empty.mjs', 'import', 'HOST_NO_PLUGIN_EXPORT', 4],
      ['@keel/no-such-package', 'import', 'HOST_IMPORT_FAILED', 5],
    ]);
    expect(result.errors[1]?.message).toContain('exploded at import');
    expect(result.errors[3]?.message).toBe(
      'module "./empty.mjs" has neither a default export nor a named "plugin" export',
    );
    expect(host.loadErrors).toEqual(result.errors);
    for (const e of result.errors) expect(e.message).not.toContain('\n');
  });

  it('records manifest errors: invalid fields, unknown keys, duplicate ids, worker isolation', async () => {
    const host = createHost({ services: { logger: quiet() } });
    await host.load([ok('first-one')]);
    const result = await host.load([
      ok('bad-window', { window: 1 }),
      { plugin: { ...ok('typo'), warmUp: 3 } as unknown as KeelPlugin },
      ok('first-one'),
      ok('twice'),
      ok('twice'),
      ok('in-worker', { isolation: 'worker' }),
      'not a plugin' as unknown as KeelPlugin,
    ]);
    expect(result.loaded.map((p) => p.id)).toEqual(['twice']);
    expect(result.errors.map((e) => [e.plugin, e.phase, e.code])).toEqual([
      ['bad-window', 'manifest', 'HOST_INVALID_MANIFEST'],
      ['typo', 'manifest', 'HOST_INVALID_MANIFEST'],
      ['first-one', 'manifest', 'HOST_DUPLICATE_ID'],
      ['twice', 'manifest', 'HOST_DUPLICATE_ID'],
      ['in-worker', 'manifest', 'HOST_UNSUPPORTED_ISOLATION'],
      ['not a plugin', 'import', 'HOST_IMPORT_FAILED'],
    ]);
    expect(result.errors[0]?.message).toMatch(/^manifest\.window: /);
    expect(result.errors[1]?.message).toBe('unknown plugin key "warmUp"');
    expect(result.errors[2]?.message).toBe('duplicate plugin id "first-one"');
  });

  it('records config errors and passes the parsed config to hooks', async () => {
    const host = createHost({ services: { logger: quiet() } });
    let seen: unknown;
    const withConfig = definePlugin({
      id: 'configured',
      name: 'c',
      version: '1.0.0',
      category: 'alpha',
      config: z.object({ period: z.number().int().min(2).default(14) }),
      setup: (ctx) => {
        seen = ctx.config;
      },
    });
    const result = await host.load([
      { plugin: withConfig, config: { period: 1 } },
      { plugin: ok('no-config'), config: { surprise: true } },
      { plugin: { ...withConfig, id: 'configured-2' } as KeelPlugin, config: {} },
    ]);
    expect(result.errors.map((e) => [e.plugin, e.phase, e.code])).toEqual([
      ['configured', 'config', 'HOST_INVALID_CONFIG'],
      ['no-config', 'config', 'HOST_INVALID_CONFIG'],
    ]);
    expect(result.errors[0]?.message).toBe('config.period: Too small: expected number to be >=2 (got 1)');
    expect(seen).toEqual({ period: 14 });
  });

  it('records setup errors (throw, rejection, timeout), disposes the plugin and frees its id', async () => {
    const host = createHost({ services: { logger: quiet() }, lifecycleTimeoutMs: 20 });
    const disposed: string[] = [];
    const failing = (id: string, setup: NonNullable<KeelPlugin['setup']>) =>
      ok(id, { setup, dispose: () => void disposed.push(id) });
    const result = await host.load([
      failing('sync-throw', () => {
        throw new Error('no database');
      }),
      failing('rejects', async () => {
        throw new TypeError('bad handle');
      }),
      failing('hangs', () => new Promise<void>(() => {})),
      ok('fine'),
    ]);
    expect(result.loaded.map((p) => p.id)).toEqual(['fine']);
    expect(result.errors.map((e) => [e.plugin, e.phase, e.message])).toEqual([
      ['sync-throw', 'setup', 'no database'],
      ['rejects', 'setup', 'bad handle'],
      ['hangs', 'setup', 'setup did not finish within 20 ms'],
    ]);
    expect(disposed).toEqual(['sync-throw', 'rejects', 'hangs']);
    const retry = await host.load([ok('sync-throw')]);
    expect(retry.loaded.map((p) => p.id)).toEqual(['sync-throw']);
    expect(host.loadErrors).toHaveLength(3);
  });

  it('keeps load order deterministic when imports finish out of order', async () => {
    const host = createHost({ services: { logger: quiet() }, resolveFrom: dir });
    const result = await host.load(['./good.mjs', ok('memory-one'), './named.mjs']);
    expect(result.loaded.map((p) => p.id)).toEqual(['from-file', 'memory-one', 'named-export']);
  });
});

describe('plugin factories', () => {
  const make = () => {
    let calls = 0;
    return definePlugin({
      id: 'counter',
      name: 'c',
      version: '1.0.0',
      category: 'diag',
      warmup: 0,
      window: 2,
      onBar: () => ({ active: false, score: 0, status: String(++calls) }),
    });
  };

  it('calls a factory once per host, so hosts never share closure state', async () => {
    const a = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    const b = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    await a.load([make]);
    await b.load([{ plugin: make }]);
    const bar = { time: 1, open: 1, high: 1, low: 1, close: 1, volume: 1 };
    const first = a.step(bar);
    const second = b.step(bar);
    expect(!(first instanceof Promise) && first.kind === 'step' && first.plugins.counter?.status).toBe('1');
    expect(!(second instanceof Promise) && second.kind === 'step' && second.plugins.counter?.status).toBe(
      '1',
    );
    await a.dispose();
    await b.dispose();
  });

  it('records a throwing or async factory as an import error', async () => {
    const host = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    const { errors } = await host.load([
      () => {
        throw new Error('no config file');
      },
      (async () => make()) as unknown as () => ReturnType<typeof make>,
    ]);
    expect(errors.map((e) => [e.phase, e.code])).toEqual([
      ['import', 'HOST_IMPORT_FAILED'],
      ['import', 'HOST_IMPORT_FAILED'],
    ]);
    expect(errors[0]?.message).toContain('plugin factory threw: no config file');
    expect(errors[1]?.message).toContain('returned a promise');
    await host.dispose();
  });
});
