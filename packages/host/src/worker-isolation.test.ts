import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Bar, definePlugin } from '@keel/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  baseSma,
  bars,
  collect,
  createPluginDir,
  hostWith,
  moduleSource,
  type PluginDir,
  SMA,
} from '../test/worker-fixtures.js';
import { createLogger, type LogRecord } from './logger.js';

// `isolation: 'worker'` with healthy plugins: same readings as in-process, services forwarded over
// the worker's port, load-time refusals, and no thread left after dispose. Real threads, real
// plugin files, no mocks (failures and restarts are in worker-failures.test.ts).

const here = path.dirname(fileURLToPath(import.meta.url));
let plugins: PluginDir;

beforeAll(async () => {
  plugins = await createPluginDir();
});

afterAll(async () => {
  await plugins.remove();
});

describe('worker isolation', () => {
  it('gives a healthy worker plugin the same readings as in-process, across reset and replays', async () => {
    const stateful = {
      head: `import { z } from 'zod';\nlet calls = 0;\nlet resets = 0;`,
      extra: `config: z.object({ period: z.number().int().default(5), tag: z.string().transform((s) => s.toUpperCase()) }),
        reset() { calls = 0; resets++; },`,
      onBar: `calls++; const r = (() => { ${SMA} })(); return { ...r, calls, resets, period: config.period, tag: ctx.config.tag, clock: ctx.clock.now(), same: ctx.signal === signal };`,
    };
    const workerFile = await plugins.write('sma-worker.mjs', { id: 'w-sma', worker: true, ...stateful });
    const localFile = await plugins.write('sma-local.mjs', { id: 'p-sma', ...stateful });
    const host = hostWith();
    const { errors } = await host.load([
      baseSma(),
      { plugin: workerFile, config: { tag: 'abc' } },
      { plugin: localFile, config: { tag: 'abc' } },
    ]);
    expect(errors).toEqual([]);
    const data = bars(80);
    const first = await collect(host, data);
    const second = await collect(host, data);
    for (const steps of [first, second]) {
      expect(steps).toHaveLength(80);
      for (const step of steps) {
        expect(step.errors).toEqual([]);
        expect(step.plugins['w-sma']).toEqual(step.plugins['p-sma']);
      }
    }
    const last = first[79]?.plugins['w-sma'] as Record<string, unknown>;
    expect(last).toMatchObject({
      calls: 76,
      resets: 1,
      period: 5,
      tag: 'ABC',
      clock: data[79]?.time,
      same: true,
    });
    expect(last.base).toBe(first[79]?.plugins['base-sma']?.score);
    expect(second[79]?.plugins['w-sma']).toMatchObject({ calls: 76, resets: 2 });
    // The last layer's readings are published as in-process ones are (frozen only when a later layer sees them).
    expect(Object.isFrozen(first[10]?.plugins['w-sma'])).toBe(Object.isFrozen(first[10]?.plugins['p-sma']));
    expect(Object.isFrozen(first[10]?.plugins['base-sma'])).toBe(true);

    const info = host.plugins().find((p) => p.id === 'w-sma');
    expect(info).toMatchObject({ isolation: 'worker', state: 'ready' });
    expect(info?.stats).toMatchObject({ calls: 152, errors: 0, timeouts: 0, restarts: 0 });
    expect(info?.stats.durations.samples).toBeGreaterThan(0);

    // Disabled: no calls; enabled again: warms up again and matches in-process once more.
    host.disable('w-sma');
    host.disable('p-sma');
    const more = bars(20, 12).map((b, k) => ({ ...b, time: (data[79] as Bar).time + (k + 1) * 300_000 }));
    const off = await collect(host, more.slice(0, 5));
    expect(off.map((s) => s.plugins['w-sma']?.status)).toEqual(Array(5).fill('DISABLED'));
    host.enable('w-sma');
    host.enable('p-sma');
    const on = await collect(host, more.slice(5));
    expect(on.map((s) => s.plugins['w-sma'])).toEqual(on.map((s) => s.plugins['p-sma']));
    expect(on[0]?.plugins['w-sma']?.status).toBe('WARMUP');
    expect(on[14]?.plugins['w-sma']?.status).not.toBe('WARMUP');
    await host.dispose();
  });

  it("forwards the worker's ctx.log, bus, rpc, cache and clock to the host's services", async () => {
    const records: LogRecord[] = [];
    const logger = createLogger({ level: 'debug', sink: (_line, record) => records.push(record) });
    const file = await plugins.write('services.mjs', {
      id: 'w-services',
      worker: true,
      warmup: 0,
      extra: `setup(ctx) {
          ctx.rpc.register('worker.echo', (payload, meta) => ({ echo: payload, caller: meta.caller }));
          ctx.rpc.register('worker.seen', () => ctx.cache.get('events', 'ping'));
          ctx.bus.on('ping', async (event) => {
            await ctx.cache.put('events', 'ping', { data: event.data, source: event.source });
            ctx.bus.publish('worker.pong', { got: event.data });
          });
          ctx.log.info('set up', { where: 'worker' });
        },`,
      onBar: `ctx.bus.publish('worker.bar', { index: step.index });
        const doubled = await ctx.rpc.call('helper.double', { x: step.index }, { timeoutMs: 1000 });
        await ctx.cache.put('bars', 'last', step.index);
        const cached = await ctx.cache.get('bars', 'last');
        let missing = null;
        try { await ctx.rpc.call('no.such.method', null); } catch (error) { missing = error.code; }
        ctx.log.debug('bar seen', { index: step.index });
        return { active: true, score: 1, status: 'ok', doubled: doubled.y, cached, missing, clock: ctx.clock.now() };`,
    });
    const helper = definePlugin({
      id: 'helper',
      name: 'helper',
      version: '1.0.0',
      category: 'infra',
      setup(ctx) {
        ctx.rpc.register('helper.double', (payload) => ({ y: 2 * ((payload as { x: number }).x ?? 0) }));
      },
    });
    const host = hostWith({ services: { logger } });
    const { errors } = await host.load([helper, file]);
    expect(errors).toEqual([]);
    const events: Array<{ type: string; data: unknown; source: string }> = [];
    host.bus.on('worker.*', (e) => {
      events.push({ type: e.type, data: e.data, source: e.source });
    });
    const data = bars(3);
    const steps = await collect(host, data);
    expect(steps.map((s) => s.plugins['w-services'])).toEqual(
      data.map((bar, i) => ({
        active: true,
        score: 1,
        status: 'ok',
        doubled: 2 * i,
        cached: i,
        missing: 'RPC_UNKNOWN_METHOD',
        clock: bar.time,
      })),
    );
    await host.idle();
    expect(events).toEqual(
      [0, 1, 2].map((index) => ({ type: 'worker.bar', data: { index }, source: 'w-services' })),
    );

    expect(await host.rpc.call('worker.echo', { a: [1, 'b'] })).toEqual({
      echo: { a: [1, 'b'] },
      caller: 'api',
    });
    const pong = new Promise((resolve) => host.bus.on('worker.pong', (e) => resolve(e.data)));
    host.bus.publish('ping', { n: 7 });
    expect(await pong).toEqual({ got: { n: 7 } });
    expect(await host.rpc.call('worker.seen')).toEqual({ data: { n: 7 }, source: 'host' });

    const mine = records.filter((r) => r.fields.plugin === 'w-services');
    expect(mine.map((r) => [r.level, r.msg])).toEqual(
      expect.arrayContaining([
        ['info', 'set up'],
        ['debug', 'bar seen'],
      ]),
    );
    expect(mine.find((r) => r.msg === 'set up')?.fields).toMatchObject({
      plugin: 'w-services',
      where: 'worker',
    });
    await host.dispose();
  });

  it('refuses worker plugins it cannot isolate and reports worker-side load errors by phase', async () => {
    const inMemory = definePlugin({
      id: 'in-memory-worker',
      name: 'm',
      version: '1.0.0',
      category: 'alpha',
      isolation: 'worker',
      onBar: () => ({ active: false, score: 0, status: 'ok' }),
    });
    const scheduled = await plugins.write('scheduled.mjs', {
      id: 'w-scheduled',
      worker: true,
      extra: `schedule: [{ when: '@close', run: () => ({ success: true }) }],`,
      onBar: `return { active: false, score: 0, status: 'ok' };`,
    });
    const badConfig = await plugins.write('bad-config.mjs', {
      id: 'w-bad-config',
      worker: true,
      head: `import { z } from 'zod';`,
      extra: `config: z.object({ period: z.number().int().min(2) }),`,
      onBar: `return { active: false, score: 0, status: 'ok' };`,
    });
    const badSetup = await plugins.write('bad-setup.mjs', {
      id: 'w-bad-setup',
      worker: true,
      extra: `setup() { throw new Error('no database'); },`,
      onBar: `return { active: false, score: 0, status: 'ok' };`,
    });
    // Shaped like a KeelError from another copy of @keel/contract: its code and hint cross the thread.
    const hintedSetup = await plugins.write('hinted-setup.mjs', {
      id: 'w-hinted-setup',
      worker: true,
      extra: `setup() { throw Object.assign(new Error('ACME_KEY is not set'), { code: 'ACME_NO_KEY', field: 'key', hint: 'export ACME_KEY=<your key>' }); },`,
      onBar: `return { active: false, score: 0, status: 'ok' };`,
    });
    const factory = path.join(plugins.path, 'factory.mjs');
    await writeFile(
      factory,
      moduleSource({
        id: 'w-factory',
        worker: true,
        warmup: 0,
        onBar: `return { active: true, score: 0.25, status: 'made' };`,
      })
        .replace('export default {', 'export const plugin = () => ({')
        .replace(/};\n$/, '});\n'),
    );
    const host = hostWith();
    const { loaded, errors } = await host.load([
      inMemory,
      scheduled,
      { plugin: badConfig, config: { period: 1 } },
      badSetup,
      hintedSetup,
      factory,
    ]);
    expect(loaded.map((p) => p.id)).toEqual(['w-factory']);
    expect(errors.map((e) => [e.plugin, e.phase, e.code])).toEqual([
      ['in-memory-worker', 'manifest', 'HOST_UNSUPPORTED_ISOLATION'],
      ['w-scheduled', 'manifest', 'HOST_UNSUPPORTED_ISOLATION'],
      ['w-bad-config', 'config', 'HOST_INVALID_CONFIG'],
      ['w-bad-setup', 'setup', 'HOST_SETUP_FAILED'],
      ['w-hinted-setup', 'setup', 'ACME_NO_KEY'],
    ]);
    expect(errors[4]?.hint).toBe('export ACME_KEY=<your key>');
    expect(errors[3]).not.toHaveProperty('hint');
    expect(errors[0]?.message).toMatch(/needs a plugin loaded from a package name or file path/);
    expect(errors[0]?.hint).toMatch(/plugin: '\.\/my-plugin\.js'/);
    expect(errors[1]?.message).toBe('isolation "worker" does not support schedule jobs yet');
    expect(errors[3]?.message).toBe('no database');
    const steps = await collect(host, bars(2));
    expect(steps[1]?.plugins['w-factory']).toEqual({ active: true, score: 0.25, status: 'made' });
    await host.dispose();
  });

  it('reports a contract-breaking worker reading exactly like an in-process one', async () => {
    const spec = {
      warmup: 0,
      onBar: `if (step.index === 1) return { active: true, score: 1, status: 'x', atr: NaN };
        if (step.index === 2) return { active: true, score: 1.5, status: 'x' };
        if (step.index === 3) return { active: true, score: 1, status: 'x', when: new Date(0) };
        if (step.index === 4) return { active: true, score: 1, status: 'x', fn() {} };
        return { active: true, score: 1, status: 'x', nested: { a: [1, 2] } };`,
    };
    const w = await plugins.write('contract-w.mjs', { id: 'w-contract', worker: true, ...spec });
    const p = await plugins.write('contract-p.mjs', { id: 'p-contract', ...spec });
    const host = hostWith();
    await host.load([w, p]);
    const steps = await collect(host, bars(6));
    for (const step of steps) {
      expect(step.plugins['w-contract']).toEqual(step.plugins['p-contract']);
      const of = (id: string) => step.errors.filter((e) => e.plugin === id).map((e) => [e.kind, e.message]);
      expect(of('w-contract')).toEqual(of('p-contract'));
    }
    expect(steps.filter((s) => s.errors.length > 0)).toHaveLength(4);
    expect(steps[1]?.plugins['w-contract']?.status).toBe('ERROR: contract: extras.atr is NaN');
    expect(steps[5]?.plugins['w-contract']).toMatchObject({ nested: { a: [1, 2] } });
    const nested = (steps[5]?.plugins['w-contract'] as { nested?: object } | undefined)?.nested;
    expect(Object.isFrozen(nested)).toBe(true);
    await host.dispose();
  });

  it('leaves no thread behind after dispose(): a process using worker plugins exits by itself', async () => {
    const plugin = await plugins.write('exit-check.mjs', {
      id: 'w-exit-check',
      worker: true,
      warmup: 0,
      onBar: SMA,
    });
    const script = path.join(plugins.path, 'dispose-check.mjs');
    const hostUrl = pathToFileURL(path.join(here, 'index.ts')).href;
    await writeFile(
      script,
      `import { createHost, createLogger, generateBars } from ${JSON.stringify(hostUrl)};
const host = createHost({ cache: { memory: true }, services: { logger: createLogger({ level: 'silent' }) } });
const { errors } = await host.load([${JSON.stringify(plugin)}]);
if (errors.length > 0) throw new Error(errors[0].message);
let ok = 0;
await host.replay(generateBars({ count: 20, seed: 1 }), { onStep: (s) => { if (s.errors.length === 0) ok++; } });
await host.dispose();
console.log('disposed after ' + ok + ' clean steps');
`,
    );
    // A thread left behind keeps the child alive until execFile kills it at the (generous) limit,
    // which shows as a non-zero code; how long a healthy child takes to exit is not asserted.
    const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve) => {
      execFile(
        process.execPath,
        ['--conditions=@keel/source', '--import', 'tsx', script],
        { cwd: path.join(here, '..'), timeout: 60_000 },
        (error, out) => resolve({ stdout: out, code: error ? ((error as { code?: number }).code ?? -1) : 0 }),
      );
    });
    expect(stdout.trim()).toBe('disposed after 20 clean steps');
    expect(code).toBe(0);
  }, 90_000);
});
