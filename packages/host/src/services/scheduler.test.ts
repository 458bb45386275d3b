import { createAlwaysOpenCalendar, createNyseCalendar } from '@keel/calendar';
import type {
  Bus,
  Clock,
  HostContext,
  Logger,
  PluginResult,
  ScheduleEntry,
  ScheduleTick,
} from '@keel/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MarketHistory } from '../market-history.js';
import { createEventBus } from './event-bus.js';
import { createManualClock, systemClock } from './manual-clock.js';
import { createMemoryCacheStore } from './memory-cache.js';
import { createRpcRegistry } from './rpc.js';
import type { RunRecord } from './run-log.js';
import { createScheduler, type JobContextFactory } from './scheduler.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const nyse = createNyseCalendar();
const utc = (iso: string) => Date.parse(iso);
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

// Real collaborators for the run context, built the way the host builds them.
function contextFor(pluginId: string, clock: Clock, bus: Bus = createEventBus({ clock })): JobContextFactory {
  const rpc = createRpcRegistry().forCaller(pluginId);
  const cache = createMemoryCacheStore({ clock }).forPlugin(pluginId);
  const market = new MarketHistory({ history: 10, fixed: true, maxSymbols: 1 }).reader();
  return ({ signal }): HostContext => ({
    pluginId,
    config: {},
    log: silent,
    bus,
    rpc,
    cache,
    clock,
    market,
    signal,
  });
}

function job(
  when: string,
  run: ScheduleEntry['run'] = () => ({ success: true }),
  extra: Partial<ScheduleEntry> = {},
): ScheduleEntry {
  return { when, run, ...extra };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function setup(start: number, calendar = nyse) {
  const clock = createManualClock(start);
  const bus = createEventBus({ clock });
  const scheduler = createScheduler({ calendar, clock, bus });
  const advance = async (time: number) => {
    clock.set(time);
    await scheduler.advanceTo(time);
  };
  return { clock, bus, scheduler, advance, ctx: (id: string) => contextFor(id, clock, bus) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('scheduler intervals in virtual time', () => {
  const start = utc('2024-03-12T14:00:00Z');

  it('fires `every 5m` 12 times during a 1-hour window advanced minute by minute', async () => {
    const { scheduler, advance, ctx } = setup(start);
    scheduler.add('p', [job('every 5m')], ctx('p'));
    for (let t = start; t < start + HOUR; t += MIN) await advance(t);
    const runs = scheduler.runs();
    expect(runs).toHaveLength(12);
    expect(runs.map((r) => (r.scheduledAt - start) / MIN)).toEqual([
      0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55,
    ]);
    expect(runs.every((r) => r.success && r.coalesced === 0)).toBe(true);
  });

  // Cron is calendar-anchored: every occurrence runs, however far one advance jumps. (Periodic
  // `every …` jobs coalesce instead: see the next test.)
  it('fires every cron occurrence in order when the window is crossed in one jump, async jobs too', async () => {
    const { scheduler, advance, ctx } = setup(start - 1);
    const order: string[] = [];
    scheduler.add(
      'p',
      [
        job('*/5 * * * *', async (_c, tick) => {
          await Promise.resolve();
          order.push(`5m@${(tick.scheduledAt - start) / MIN}`);
          return { success: true };
        }),
      ],
      ctx('p'),
    );
    scheduler.add(
      'q',
      [
        job('*/20 * * * *', (_c, tick) => {
          order.push(`20m@${(tick.scheduledAt - start) / MIN}`);
          return { success: true };
        }),
      ],
      ctx('q'),
    );
    await advance(start - 1);
    await advance(start + HOUR - 1);
    await scheduler.idle();
    expect(scheduler.runs({ plugin: 'p' })).toHaveLength(12);
    expect(scheduler.runs().every((r) => r.coalesced === 0)).toBe(true);
    expect(order.slice(0, 7)).toEqual(['20m@0', '5m@0', '5m@5', '5m@10', '5m@15', '20m@20', '5m@20']);
  });

  it('coalesces the `every …` due times one jump passes into one run at the latest, in time order', async () => {
    const { scheduler, advance, ctx } = setup(start - 1);
    const order: string[] = [];
    const ticks: ScheduleTick[] = [];
    const record = (label: string) => (_c: HostContext, tick: ScheduleTick) => {
      ticks.push(tick);
      order.push(`${label}@${(tick.scheduledAt - start) / MIN}`);
      return { success: true };
    };
    scheduler.add('p', [job('interval_5m', record('5m'))], ctx('p'));
    scheduler.add('q', [job('every 20m', record('20m')), job('*/15 * * * *', record('cron'))], ctx('q'));
    await advance(start - 1);
    await advance(start + HOUR - 1);
    await scheduler.idle();
    // Cron runs at each quarter hour; each interval job runs once, at its last due time.
    expect(order).toEqual(['cron@0', 'cron@15', 'cron@30', '20m@40', 'cron@45', '5m@55']);
    expect(ticks.filter((t) => t.job !== '*/15 * * * *').map((t) => [t.job, t.coalesced])).toEqual([
      ['every 20m', 2],
      ['interval_5m', 11],
    ]);
    expect(scheduler.runs().find((r) => r.job === 'interval_5m')).toMatchObject({ coalesced: 11 });
    // The next due times follow the folded run, not the first missed one.
    expect(scheduler.nextRuns().find((n) => n.job === 'interval_5m')?.nextAt).toBe(start + HOUR);
    expect(scheduler.time()).toBe(start + HOUR - 1);
  });

  it('with deferPeriodic leaves `every …` jobs for the next plain advance, which runs them once', async () => {
    const { scheduler, clock, ctx } = setup(start);
    const ticks: ScheduleTick[] = [];
    scheduler.add(
      'p',
      [
        job('every 1m', (_c, tick) => {
          ticks.push(tick);
          return { success: true };
        }),
        job('*/10 * * * *', (_c, tick) => {
          ticks.push(tick);
          return { success: true };
        }),
      ],
      ctx('p'),
    );
    await scheduler.advanceTo(start);
    for (const minutes of [10, 20]) {
      clock.set(start + minutes * MIN);
      await scheduler.advanceTo(start + minutes * MIN, { deferPeriodic: true });
    }
    clock.set(start + 25 * MIN);
    await scheduler.advanceTo(start + 25 * MIN);
    expect(ticks.map((t) => [t.job, (t.scheduledAt - start) / MIN, t.coalesced])).toEqual([
      ['every 1m', 0, 0],
      ['*/10 * * * *', 0, 0],
      ['*/10 * * * *', 10, 0],
      ['*/10 * * * *', 20, 0],
      ['every 1m', 25, 24],
    ]);
    expect(scheduler.time()).toBe(start + 25 * MIN);
  });

  it('never overlaps a job slower than its interval: due times coalesce into one follow-up run', async () => {
    const { scheduler, advance, ctx } = setup(start);
    let running = 0;
    let maxRunning = 0;
    const gates: Array<() => void> = [];
    const ticks: ScheduleTick[] = [];
    scheduler.add(
      'slow',
      [
        job('every 1m', async (_c, tick) => {
          ticks.push(tick);
          running++;
          maxRunning = Math.max(maxRunning, running);
          const gate = deferred();
          gates.push(gate.resolve);
          await gate.promise;
          running--;
          return { success: true, data: tick.scheduledAt };
        }),
      ],
      ctx('slow'),
    );
    await advance(start);
    for (let i = 1; i <= 4; i++) await advance(start + i * MIN);
    expect(ticks).toHaveLength(1);
    expect(scheduler.nextRuns()[0]).toMatchObject({ running: true, pending: 4, nextAt: start + 5 * MIN });
    gates.shift()!();
    // Generous deadline: the next run starts a few event-loop turns later, however loaded the machine.
    await vi.waitFor(() => expect(ticks).toHaveLength(2), { timeout: 10_000 });
    expect(ticks[1]).toMatchObject({ scheduledAt: start + 4 * MIN, coalesced: 3 });
    gates.shift()!();
    await scheduler.idle();
    expect(maxRunning).toBe(1);
    expect(scheduler.runs().map((r) => [r.scheduledAt - start, r.coalesced])).toEqual([
      [0, 0],
      [4 * MIN, 3],
    ]);
  });
});

describe('scheduler market times', () => {
  it('fires @open and @close with offsets from the calendar, 13:00 on early closes, never on holidays', async () => {
    const begin = utc('2024-07-01T04:00:00Z');
    const { scheduler, advance, ctx } = setup(begin);
    scheduler.add('m', [job('@open+15m'), job('@close'), job('@close-10m')], ctx('m'));
    for (let t = begin; t <= utc('2024-07-06T04:00:00Z'); t += 5 * MIN) await advance(t);
    const at = (when: string) =>
      scheduler.runs({ job: when }).map((r) => new Date(r.scheduledAt).toISOString());
    expect(at('@open+15m')).toEqual([
      '2024-07-01T13:45:00.000Z',
      '2024-07-02T13:45:00.000Z',
      '2024-07-03T13:45:00.000Z',
      '2024-07-05T13:45:00.000Z',
    ]);
    expect(at('@close')).toEqual([
      '2024-07-01T20:00:00.000Z',
      '2024-07-02T20:00:00.000Z',
      '2024-07-03T17:00:00.000Z',
      '2024-07-05T20:00:00.000Z',
    ]);
    expect(at('@close-10m')[2]).toBe('2024-07-03T16:50:00.000Z');
    // Each run started when virtual time crossed its due time, not later.
    expect(scheduler.runs({ job: '@close' }).every((r) => r.startedAt === r.scheduledAt)).toBe(true);
  });

  it('fires @idle only while the market is closed', async () => {
    const begin = utc('2024-03-08T19:00:00Z');
    const { scheduler, advance, ctx } = setup(begin);
    scheduler.add('i', [job('@idle 1h')], ctx('i'));
    // Hour by hour, as hourly bars would: one jump over the weekend would coalesce into one run.
    for (let t = begin; t <= utc('2024-03-11T16:00:00Z'); t += HOUR) await advance(t);
    const runs = scheduler.runs();
    // Friday 21:00Z (the close) to Monday 13:00Z, hourly; the session opens 13:30Z (EDT from Sunday).
    expect(runs).toHaveLength(65);
    expect(new Date(runs[0]!.scheduledAt).toISOString()).toBe('2024-03-08T21:00:00.000Z');
    expect(new Date(runs.at(-1)!.scheduledAt).toISOString()).toBe('2024-03-11T13:00:00.000Z');
    expect(runs.every((r) => !nyse.isOpen(r.scheduledAt))).toBe(true);
  });

  it('never fires @idle on a market that never closes', async () => {
    const begin = utc('2024-03-08T01:00:00Z');
    const { scheduler, advance, ctx } = setup(begin, createAlwaysOpenCalendar());
    scheduler.add('i', [job('@idle 1h'), job('@close')], ctx('i'));
    await advance(begin);
    await advance(begin + 72 * HOUR);
    expect(scheduler.runs({ job: '@idle 1h' })).toHaveLength(0);
    expect(scheduler.runs({ job: '@close' })).toHaveLength(3);
  });

  it('runs cron in the exchange zone by default and in a TZ= zone when given, across DST', async () => {
    const begin = utc('2024-03-07T00:00:00Z');
    const { scheduler, advance, ctx } = setup(begin);
    scheduler.add(
      'c',
      [
        job('30 9 * * 1-5', undefined, { name: 'ny-open' }),
        job('TZ=UTC 0 12 * * SAT', undefined, { name: 'utc-noon' }),
      ],
      ctx('c'),
    );
    await advance(begin);
    await advance(utc('2024-03-12T00:00:00Z'));
    const at = (name: string) =>
      scheduler.runs({ job: name }).map((r) => new Date(r.scheduledAt).toISOString());
    expect(at('ny-open')).toEqual([
      '2024-03-07T14:30:00.000Z',
      '2024-03-08T14:30:00.000Z',
      '2024-03-11T13:30:00.000Z',
    ]);
    expect(at('utc-noon')).toEqual(['2024-03-09T12:00:00.000Z']);
  });
});

describe('scheduler event triggers', () => {
  it('runs on:<pattern> jobs with the event, but not for the plugin own events', async () => {
    const { scheduler, bus, ctx } = setup(0);
    const seen: string[] = [];
    scheduler.add(
      'watcher',
      [
        job('on:signal.*', (_c, tick) => {
          seen.push(`${tick.event?.type}:${tick.event?.source}`);
          return { success: true };
        }),
      ],
      ctx('watcher'),
    );
    bus.forPlugin('producer').publish('signal.updated', { score: 1 });
    bus.forPlugin('watcher').publish('signal.self', null);
    bus.publish('other', null);
    await bus.idle();
    expect(seen).toEqual(['signal.updated:producer']);
    expect(scheduler.nextRuns()[0]).toMatchObject({ kind: 'event', nextAt: null });
  });

  it('coalesces events arriving while the job runs into one run with the latest event', async () => {
    const { scheduler, bus, ctx } = setup(0);
    const gate = deferred();
    const ticks: ScheduleTick[] = [];
    scheduler.add(
      'w',
      [
        job('on:tick', async (_c, tick) => {
          ticks.push(tick);
          if (ticks.length === 1) await gate.promise;
          return { success: true };
        }),
      ],
      ctx('w'),
    );
    for (let i = 0; i < 4; i++) bus.publish('tick', i);
    await bus.idle();
    gate.resolve();
    await scheduler.idle();
    expect(ticks.map((t) => [t.event?.data, t.coalesced])).toEqual([
      [0, 0],
      [3, 2],
    ]);
  });

  it('requires a bus for event jobs', () => {
    const scheduler = createScheduler({ calendar: nyse, clock: createManualClock(0) });
    expect(() => scheduler.add('p', [job('on:x')], contextFor('p', systemClock))).toThrow(
      expect.objectContaining({ code: 'SCHEDULER_NO_BUS' }),
    );
  });
});

describe('scheduler run records', () => {
  it('records success, data, thrown errors, invalid results and non-JSON data naming the path', async () => {
    const start = utc('2024-03-12T14:00:00Z');
    const { scheduler, advance, ctx } = setup(start);
    const seen: RunRecord[] = [];
    const s2 = createScheduler({
      calendar: nyse,
      clock: createManualClock(start),
      onRun: (r) => void seen.push(r),
    });
    const entries: ScheduleEntry[] = [
      job('every 1m', () => ({ success: true, data: { n: 1 } }), { name: 'ok' }),
      job(
        'every 1m',
        () => {
          throw new Error('feed down');
        },
        { name: 'throws' },
      ),
      job('every 1m', async () => Promise.reject(new Error('later')), { name: 'rejects' }),
      job('every 1m', () => 'done' as unknown as PluginResult, { name: 'shape' }),
      job('every 1m', () => ({ success: true, data: { atr: Number.NaN } }), { name: 'nan' }),
      job('every 1m', () => ({ success: false, error: 'no data' }), { name: 'reported' }),
    ];
    scheduler.add('p', entries, ctx('p'));
    s2.add('p', entries.slice(0, 1), ctx('p'));
    await advance(start);
    await s2.advanceTo(start);
    await scheduler.idle();
    const byJob = Object.fromEntries(scheduler.runs().map((r) => [r.job, r]));
    expect(byJob.ok).toMatchObject({
      plugin: 'p',
      job: 'ok',
      success: true,
      data: { n: 1 },
      startedAt: start,
      scheduledAt: start,
    });
    expect(byJob.ok!.durationMs).toBeGreaterThanOrEqual(0);
    expect(byJob.throws).toMatchObject({ success: false, error: 'feed down' });
    expect(byJob.rejects).toMatchObject({ success: false, error: 'later' });
    expect(byJob.shape).toMatchObject({
      success: false,
      error: 'contract: run must return { success, data?, error? }, got "done"',
    });
    expect(byJob.nan).toMatchObject({ success: false, error: 'contract: data.atr is NaN' });
    expect(byJob.reported).toMatchObject({ success: false, error: 'no data' });
    expect(seen).toHaveLength(1);
  });

  it('keeps a bounded run log of the newest records', async () => {
    const start = utc('2024-03-12T14:00:00Z');
    const clock = createManualClock(start);
    const scheduler = createScheduler({ calendar: nyse, clock, runLogSize: 5 });
    scheduler.add('p', [job('every 1m')], contextFor('p', clock));
    for (let t = start; t <= start + 11 * MIN; t += MIN) await scheduler.advanceTo(t);
    const runs = scheduler.runs();
    expect(runs).toHaveLength(5);
    expect(runs.map((r) => (r.scheduledAt - start) / MIN)).toEqual([7, 8, 9, 10, 11]);
    expect(scheduler.runs({ limit: 2 }).map((r) => (r.scheduledAt - start) / MIN)).toEqual([10, 11]);
  });

  it('fails a run over its budget, aborts its signal, and keeps it from overlapping while it hangs', async () => {
    const start = utc('2024-03-12T14:00:00Z');
    const { scheduler, advance, ctx } = setup(start);
    let signal: AbortSignal | undefined;
    let calls = 0;
    scheduler.add(
      'hang',
      [
        job(
          'every 1m',
          (c) => {
            calls++;
            signal = c.signal;
            return new Promise(() => {});
          },
          { budget: { timeoutMs: 20 } },
        ),
      ],
      ctx('hang'),
    );
    scheduler.add('fine', [job('every 1m')], ctx('fine'));
    await advance(start);
    // A real 20 ms budget timer; only the outcome is asserted (durationMs is the budget it was cut at).
    await vi.waitFor(() => expect(scheduler.runs({ plugin: 'hang' })).toHaveLength(1), { timeout: 10_000 });
    expect(scheduler.runs({ plugin: 'hang' })[0]).toMatchObject({ success: false, durationMs: 20 });
    expect(scheduler.runs({ plugin: 'hang' })[0]!.error).toMatch(
      /^TIMEOUT: hang\/every 1m ran 20 ms, over its budget of 20 ms/,
    );
    expect(signal?.aborted).toBe(true);
    await advance(start + MIN);
    await advance(start + 2 * MIN);
    expect(calls).toBe(1);
    expect(scheduler.runs({ plugin: 'fine' })).toHaveLength(3);
  });

  it('lists next runs soonest first', async () => {
    const start = utc('2024-03-12T14:02:00Z');
    const { scheduler, advance, ctx } = setup(start);
    scheduler.add('p', [job('@close'), job('every 5m'), job('on:x')], ctx('p'));
    await advance(start);
    expect(scheduler.nextRuns().map((n) => [n.job, n.nextAt])).toEqual([
      ['every 5m', utc('2024-03-12T14:05:00Z')],
      ['@close', utc('2024-03-12T20:00:00Z')],
      ['on:x', null],
    ]);
  });
});

describe('scheduler lifecycle', () => {
  it('validates entries before adding any of them', () => {
    const scheduler = createScheduler({ calendar: nyse, clock: createManualClock(0) });
    const ctx = contextFor('p', systemClock);
    expect(() => scheduler.add('p', [job('every 5m'), job('every 5 minutes')], ctx)).toThrow(
      expect.objectContaining({ code: 'SCHEDULER_INVALID_ENTRY', field: 'schedule[1].when' }),
    );
    expect(() => scheduler.add('p', [job('@open'), job('@open')], ctx)).toThrow(/duplicate job name "@open"/);
    expect(scheduler.nextRuns()).toHaveLength(0);
    scheduler.add('p', [job('@open')], ctx);
    expect(() => scheduler.add('p', [job('@close')], ctx)).toThrow(
      expect.objectContaining({ code: 'SCHEDULER_DUPLICATE_PLUGIN' }),
    );
  });

  it('stops firing a removed plugin and aborts its running run', async () => {
    const start = utc('2024-03-12T14:00:00Z');
    const { scheduler, advance, ctx } = setup(start);
    let signal: AbortSignal | undefined;
    const gate = deferred();
    scheduler.add(
      'p',
      [
        job('every 1m', async (c) => {
          signal = c.signal;
          await gate.promise;
          return { success: true };
        }),
      ],
      ctx('p'),
    );
    await advance(start);
    expect(scheduler.remove('p')).toBe(true);
    expect((signal!.reason as { code?: string }).code).toBe('SCHEDULER_PLUGIN_REMOVED');
    gate.resolve();
    await scheduler.idle();
    await advance(start + 10 * MIN);
    expect(scheduler.runs()).toHaveLength(1);
    expect(scheduler.remove('p')).toBe(false);
  });

  it('refuses to go back in time until reset, then replays the same runs', async () => {
    const start = utc('2024-03-12T14:00:00Z');
    const clock = createManualClock(start);
    const scheduler = createScheduler({ calendar: nyse, clock });
    scheduler.add('p', [job('every 5m')], contextFor('p', clock));
    await scheduler.advanceTo(start + 20 * MIN);
    expect(() => scheduler.advanceTo(start)).toThrow(
      expect.objectContaining({ code: 'SCHEDULER_TIME_REVERSED' }),
    );
    const first = scheduler.runs().map((r) => r.scheduledAt);
    scheduler.reset();
    await scheduler.advanceTo(start + 20 * MIN);
    expect(scheduler.runs().map((r) => r.scheduledAt)).toEqual([...first, ...first]);
  });
});

describe('scheduler on the wall clock', () => {
  it('coalesces the runs missed while the process slept into one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(utc('2024-03-12T14:00:30Z'));
    const scheduler = createScheduler({ calendar: nyse });
    scheduler.add('p', [job('every 5m')], contextFor('p', systemClock));
    scheduler.start();
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(scheduler.runs().map((r) => r.scheduledAt)).toEqual([utc('2024-03-12T14:05:00Z')]);
    // Asleep for three hours: no timer ran meanwhile.
    vi.setSystemTime(utc('2024-03-12T17:06:00Z'));
    await vi.advanceTimersByTimeAsync(MIN);
    scheduler.stop();
    const runs = scheduler.runs();
    expect(runs).toHaveLength(2);
    // 36 due times, 14:10 to 17:05, make one run: the latest, with 35 folded into it.
    expect(runs[1]).toMatchObject({ scheduledAt: utc('2024-03-12T17:05:00Z'), coalesced: 35 });
  });

  // Real timers on purpose (the wall-clock path of start()); every assertion is an ordering or a
  // schedule property that holds however late the timers fire, and the deadlines are generous.
  it('runs a slow job on real timers without overlapping it', async () => {
    const scheduler = createScheduler({ calendar: nyse });
    let running = 0;
    let maxRunning = 0;
    scheduler.add(
      'slow',
      [
        job('every 1s', async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await new Promise((r) => setTimeout(r, 1_100));
          running--;
          return { success: true };
        }),
      ],
      contextFor('slow', systemClock),
    );
    scheduler.start();
    await vi.waitFor(() => expect(scheduler.runs().length).toBeGreaterThanOrEqual(2), {
      timeout: 45_000,
      interval: 50,
    });
    scheduler.stop();
    await scheduler.idle();
    const runs = scheduler.runs();
    expect(maxRunning).toBe(1);
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i]!.startedAt).toBeGreaterThanOrEqual(runs[i - 1]!.startedAt + runs[i - 1]!.durationMs - 5);
    }
    expect(runs[1]!.scheduledAt - runs[0]!.scheduledAt).toBeGreaterThanOrEqual(1_000);
  }, 60_000);
});
