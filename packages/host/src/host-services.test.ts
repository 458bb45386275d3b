import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNyseCalendar } from '@keel/calendar';
import { type Bar, type Cache, type Clock, definePlugin, type JsonValue } from '@keel/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.ts';
import { readCsvBars } from './csv-bars.js';
import { createHost } from './host.js';
import { createLogger } from './logger.js';
import { createEventBus, type EventBus } from './services/event-bus.js';

const quiet = () => createLogger({ level: 'silent' });
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-host-services-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 5-minute bars on the NYSE sessions of the given dates. */
function sessionBars(dates: string[]): Bar[] {
  const calendar = createNyseCalendar();
  const bars: Bar[] = [];
  let price = 100;
  for (const date of dates) {
    const session = calendar.sessionOn(date);
    if (session === null) continue;
    for (let t = session.open; t < session.close; t += 300_000) {
      bars.push({ time: t, open: price, high: price + 1, low: price - 1, close: price + 0.5, volume: 1000 });
      price += 0.01;
    }
  }
  return bars;
}

describe('host services wired into createHost', () => {
  it('moves the plugins’ replay clock with bar time when no job is scheduled, never backwards', async () => {
    const seen: Array<[number, number]> = [];
    const host = createHost({ cache: { memory: true }, services: { logger: quiet() } });
    await host.load([
      definePlugin({
        id: 'watcher',
        name: 'w',
        version: '1.0.0',
        category: 'diag',
        warmup: 0,
        onBar({ bar, ctx }) {
          seen.push([bar.time, ctx.clock.now()]);
          return { active: false, score: 0, status: 'ok' };
        },
      }),
    ]);
    const bar = (time: number): Bar => ({ time, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    // A repeated, a NaN and an earlier time are rejected bars: they must not move the clock either.
    const summary = await host.replay([
      bar(1000),
      bar(2000),
      bar(2000),
      bar(Number.NaN),
      bar(1500),
      bar(3000),
    ]);
    expect(summary.accepted).toBe(3);
    expect(seen).toEqual([
      [1000, 1000],
      [2000, 2000],
      [3000, 3000],
    ]);
    await host.dispose();
  });

  it('fires @close once per session on bar time, with ctx.clock at bar time', async () => {
    const closes: number[] = [];
    const clockSeen: number[] = [];
    const host = createHost({ cache: { memory: true }, services: { logger: quiet() } });
    await host.load([
      definePlugin({
        id: 'closer',
        name: 'c',
        version: '1.0.0',
        category: 'risk',
        warmup: 0,
        onBar({ bar, ctx }) {
          clockSeen.push(ctx.clock.now() - bar.time);
          return { active: false, score: 0, status: 'ok' };
        },
        schedule: [
          {
            when: '@close',
            run(ctx, tick) {
              closes.push(tick.scheduledAt);
              return { success: true, data: { at: ctx.clock.now() } };
            },
          },
        ],
      }),
    ]);
    // 2024-11-28 is Thanksgiving (no session) and 2024-11-29 closes early at 13:00.
    const bars = sessionBars(['2024-11-26', '2024-11-27', '2024-11-28', '2024-11-29']);
    const summary = await host.replay(bars);
    expect(summary.accepted).toBe(bars.length);
    expect(closes.map((t) => new Date(t).toISOString())).toEqual([
      '2024-11-26T21:00:00.000Z',
      '2024-11-27T21:00:00.000Z',
      '2024-11-29T18:00:00.000Z',
    ]);
    expect(new Set(clockSeen)).toEqual(new Set([0]));
    const runs = host.runs();
    expect(runs).toHaveLength(3);
    expect(runs.every((r) => r.success && r.plugin === 'closer')).toBe(true);
    expect(runs[0]?.data).toEqual({ at: Date.parse('2024-11-26T21:00:00.000Z') });
    expect(host.nextRuns()[0]).toMatchObject({ plugin: 'closer', kind: 'close' });

    // onRun streams the same records as they are written; a throwing observer disturbs nothing.
    const observed: string[] = [];
    const stopObserving = host.onRun((r) => {
      observed.push(`${r.job}@${new Date(r.scheduledAt).toISOString()}`);
    });
    const stopThrowing = host.onRun(() => {
      throw new Error('observer bug');
    });

    // A second replay restarts the scheduler: the same runs again, deterministically.
    closes.length = 0;
    await host.replay(bars);
    expect(closes).toHaveLength(3);
    expect(observed).toEqual(
      host
        .runs()
        .slice(-3)
        .map((r) => `${r.job}@${new Date(r.scheduledAt).toISOString()}`),
    );
    stopObserving();
    stopThrowing();
    await host.replay(bars);
    expect(observed).toHaveLength(3);
    await host.dispose();
  });

  it('keeps the cache across a host restart on the same SQLite file, with TTL', async () => {
    const file = path.join(dir, 'cache.sqlite');
    // Captures the cache a plugin with this id gets: namespaces are per plugin id.
    const cacheOf = async (host: ReturnType<typeof createHost>, id: string): Promise<Cache> => {
      let captured: Cache | undefined;
      await host.load([
        definePlugin({
          id,
          name: id,
          version: '1.0.0',
          category: 'infra',
          setup: (ctx) => {
            captured = ctx.cache;
          },
        }),
      ]);
      return captured!;
    };
    const first = createHost({ cache: { path: file }, services: { logger: quiet() } });
    const before = await cacheOf(first, 'persist');
    await before.put('state', 'last', { n: 42 });
    await before.put('state', 'short', 'gone soon', { ttlMs: 1 });
    // Another plugin in the same host never sees these keys.
    expect(await (await cacheOf(first, 'neighbour')).get('state', 'last')).toBeUndefined();
    await first.dispose();

    await new Promise((r) => setTimeout(r, 5));
    const second = createHost({ cache: { path: file }, services: { logger: quiet() } });
    const after = await cacheOf(second, 'persist');
    expect(await after.get('state', 'last')).toEqual({ n: 42 });
    expect(await after.get('state', 'short')).toBeUndefined();
    await second.dispose();
  });

  it('evaluates panels lazily, isolating a throwing stat', async () => {
    let reads = 0;
    const host = createHost({ cache: { memory: true }, services: { logger: quiet() } });
    await host.load([
      definePlugin({
        id: 'panel',
        name: 'p',
        version: '1.0.0',
        category: 'ux',
        setup() {},
        describe: () => ({
          status: 'ok',
          stats: {
            reads: () => ++reads,
            broken: () => {
              throw new Error('stat failed');
            },
            bad: () => Number.NaN as unknown as JsonValue,
          },
        }),
      }),
    ]);
    expect(reads).toBe(0);
    const view = host.describe('panel');
    expect(view?.status).toBe('ok');
    expect(view?.stats.reads).toBe(1);
    expect(view?.stats.broken).toMatchObject({ error: expect.stringContaining('stat failed') });
    expect(view?.stats.bad).toMatchObject({ error: expect.stringContaining('NaN') });
    expect(host.describe('panel')?.stats.reads).toBe(2);
    await host.dispose();
  });

  it('routes RPC between plugins and the API, and survives a timeout', async () => {
    const host = createHost({ cache: { memory: true }, services: { logger: quiet() } });
    await host.load([
      definePlugin({
        id: 'server',
        name: 's',
        version: '1.0.0',
        category: 'infra',
        setup(ctx) {
          ctx.rpc.register('math.double', (x) => (x as number) * 2);
          ctx.rpc.register('slow.never', () => new Promise<JsonValue>(() => {}));
        },
      }),
    ]);
    await expect(host.rpc.call('math.double', 21)).resolves.toBe(42);
    await expect(host.rpc.call('slow.never', null, { timeoutMs: 20 })).rejects.toMatchObject({
      code: 'RPC_TIMEOUT',
    });
    await expect(host.rpc.call('nope', null)).rejects.toMatchObject({ code: 'RPC_UNKNOWN_METHOD' });
    await expect(host.rpc.call('math.double', 5)).resolves.toBe(10);
    await host.dispose();
  });

  it('runs on:<event> jobs from plugin events, with the publisher as source', async () => {
    const seen: Array<{ source: string; data: JsonValue }> = [];
    const host = createHost({ cache: { memory: true }, services: { logger: quiet() } });
    await host.load([
      definePlugin({
        id: 'emitter',
        name: 'e',
        version: '1.0.0',
        category: 'alpha',
        warmup: 0,
        window: 2,
        onBar({ bar, ctx }) {
          if (bar.close > bar.open) ctx.bus.publish('signal.up', { close: bar.close });
          return { active: false, score: 0, status: '' };
        },
      }),
      definePlugin({
        id: 'listener',
        name: 'l',
        version: '1.0.0',
        category: 'diag',
        schedule: [
          {
            when: 'on:signal.*',
            run(_ctx, tick) {
              seen.push({ source: tick.event!.source, data: tick.event!.data });
              return { success: true };
            },
          },
        ],
      }),
    ]);
    await host.replay(sessionBars(['2024-11-26']).slice(0, 3));
    await host.idle();
    expect(seen).toHaveLength(3);
    expect(seen[0]?.source).toBe('emitter');
    await host.dispose();
  });
});

describe('an injected bus', () => {
  it('is used by plugins, host.bus and on: jobs, gets the host clock, and is disposed with the host', async () => {
    const clocks: Clock[] = [];
    let built: EventBus | undefined;
    const seen: Array<{ source: string; time: number }> = [];
    const host = createHost({
      cache: { memory: true },
      services: { logger: quiet() },
      bus: (clock) => {
        clocks.push(clock);
        built = createEventBus({ clock });
        return built;
      },
    });
    expect(host.bus).toBe(built);
    const external: string[] = [];
    built?.on('signal.*', (event) => {
      external.push(event.source);
    });
    await host.load([
      definePlugin({
        id: 'emitter',
        name: 'e',
        version: '1.0.0',
        category: 'alpha',
        warmup: 0,
        onBar({ ctx }) {
          ctx.bus.publish('signal.up', { n: 1 });
          return { active: false, score: 0, status: '' };
        },
      }),
      definePlugin({
        id: 'listener',
        name: 'l',
        version: '1.0.0',
        category: 'diag',
        schedule: [
          {
            when: 'on:signal.*',
            run(_ctx, tick) {
              seen.push({ source: tick.event!.source, time: tick.event!.time });
              return { success: true };
            },
          },
        ],
      }),
    ]);
    const bars = sessionBars(['2024-11-26']).slice(0, 2);
    await host.replay(bars);
    host.bus.publish('signal.host', {});
    await host.idle();
    expect(clocks).toHaveLength(1);
    expect(external).toEqual(['emitter', 'emitter', 'host']);
    expect(seen.map((s) => s.source)).toEqual(['emitter', 'emitter', 'host']);
    // Stamped by the host's clock: bar time during the replay.
    expect(seen[0]?.time).toBe(bars[0]?.time);
    await host.dispose();
    expect(built?.stats().subscriptions).toBe(0);
  });

  it('accepts a ready-made bus instance', async () => {
    const bus = createEventBus();
    const host = createHost({ cache: { memory: true }, services: { logger: quiet() }, bus });
    expect(host.bus).toBe(bus);
    await host.dispose();
  });
});

describeWithSharedData('host services on real data', () => {
  it('fires @close exactly once per trading session of SPY_5m.csv and never on a holiday', async () => {
    const calendar = createNyseCalendar();
    const closes: number[] = [];
    const host = createHost({ cache: { memory: true }, calendar, services: { logger: quiet() } });
    await host.load([
      definePlugin({
        id: 'eod',
        name: 'e',
        version: '1.0.0',
        category: 'risk',
        schedule: [
          {
            when: '@close',
            run: (_ctx, tick) => {
              closes.push(tick.scheduledAt);
              return { success: true };
            },
          },
        ],
      }),
    ]);
    const sessions = new Set<string>();
    const bars: Bar[] = [];
    for await (const bar of readCsvBars(sharedDataPath('SPY_5m.csv'))) {
      bars.push(bar);
      const s = calendar.sessionAt(bar.time);
      if (s) sessions.add(s.date);
    }
    await host.replay(bars);
    const closedDates = closes.map((t) => calendar.sessionAt(t - 1)?.date);
    expect(new Set(closedDates).size).toBe(closes.length);
    expect(closes.length).toBe(sessions.size);
    for (const t of closes) {
      const date = calendar.sessionAt(t - 1)!.date;
      expect(calendar.holidayOn(date)).toBeNull();
      expect(calendar.sessionOn(date)!.close).toBe(t);
    }
    await host.dispose();
  });
});
