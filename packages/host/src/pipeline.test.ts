import {
  type Bar,
  definePlugin,
  type KeelPlugin,
  type OnBarArgs,
  type SensorReading,
  validateBar,
} from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { createHost, type Host, type HostOptions } from './host.js';
import { createLogger, type LogRecord } from './logger.js';
import type { HostStepResult, StepOutcome } from './pipeline.js';
import { generateBars } from './synthetic-bars.js';

const quiet = () => createLogger({ level: 'silent' });

function hostWith(options: HostOptions = {}): Host {
  return createHost({ ...options, services: { logger: quiet(), ...options.services } });
}

/** A healthy plugin: a rolling close average vs the close, reading only the window. */
function smaPlugin(id: string, extra: Partial<KeelPlugin> = {}): KeelPlugin {
  return definePlugin({
    id,
    name: id,
    version: '1.0.0',
    category: 'alpha',
    warmup: 5,
    window: 5,
    onBar: ({ window }: OnBarArgs): SensorReading => {
      const v = window.close.values();
      let sum = 0;
      for (const x of v) sum += x;
      const mean = sum / v.length;
      const diff = window.close.get(-1) - mean;
      return { active: diff > 0, score: Math.min(1, Math.abs(diff)), status: diff > 0 ? 'up' : 'down', mean };
    },
    ...extra,
  } as KeelPlugin);
}

function badPlugin(id: string, onBar: KeelPlugin['onBar'], extra: Partial<KeelPlugin> = {}): KeelPlugin {
  return definePlugin({
    id,
    name: id,
    version: '1.0.0',
    category: 'diag',
    warmup: 0,
    window: 2,
    onBar,
    ...extra,
  } as KeelPlugin);
}

async function collect(host: Host, bars: Iterable<Bar>): Promise<HostStepResult[]> {
  const out: HostStepResult[] = [];
  await host.replay(bars, { onStep: (r) => out.push(r) });
  return out;
}

const bars = (count: number, seed = 3): Bar[] => [...generateBars({ count, seed })];
const step = (outcome: StepOutcome | Promise<StepOutcome>): HostStepResult => {
  if (outcome instanceof Promise) throw new Error('expected a synchronous step');
  if (outcome.kind !== 'step') throw new Error(`bar rejected: ${outcome.message}`);
  return outcome;
};

describe('pipeline isolation', () => {
  it('gives healthy plugins identical readings with or without failing plugins beside them', async () => {
    const data = bars(120);
    const healthy = () => [smaPlugin('sma-a'), smaPlugin('sma-b', { layer: 'L2' })];
    const clean = hostWith();
    await clean.load(healthy());
    const baseline = await collect(clean, data);

    const messy = hostWith({ quarantine: { threshold: 1000 } });
    const { errors } = await messy.load([
      badPlugin('thrower', () => {
        throw new Error('boom');
      }),
      ...healthy().slice(0, 1),
      badPlugin('rejecter', async () => Promise.reject(new Error('nope'))),
      badPlugin('sleeper', () => new Promise(() => {}), { budget: { timeoutMs: 5 } }),
      badPlugin('nan', () => ({ active: true, score: 0.5, status: 'x', atr: Number.NaN })),
      badPlugin(
        'bigint',
        () => ({ active: true, score: 0.5, status: 'x', big: 10n }) as unknown as SensorReading,
      ),
      ...healthy().slice(1),
    ]);
    expect(errors).toEqual([]);
    const short = data.slice(0, 30);
    const messyRun = await collect(messy, short);
    const cleanShort = baseline.slice(0, 30);
    for (let i = 0; i < short.length; i++) {
      const m = messyRun[i] as HostStepResult;
      const c = cleanShort[i] as HostStepResult;
      expect(m.plugins['sma-a']).toEqual(c.plugins['sma-a']);
      expect(m.plugins['sma-b']).toEqual(c.plugins['sma-b']);
      expect(m.plugins.thrower?.status).toBe('ERROR: boom');
      expect(m.plugins.rejecter?.status).toBe('ERROR: nope');
      expect(m.plugins.sleeper?.status).toBe('TIMEOUT');
      expect(m.plugins.nan?.status).toBe('ERROR: contract: extras.atr is NaN');
      expect(m.plugins.bigint?.status).toBe('ERROR: contract: extras.big is a BigInt');
      // Results always serialize: the bad values never reach them.
      expect(() => JSON.stringify(m)).not.toThrow();
    }
    const last = messyRun.at(-1) as HostStepResult;
    expect(last.errors.map((e) => [e.plugin, e.kind])).toEqual([
      ['thrower', 'ERROR'],
      ['rejecter', 'ERROR'],
      ['sleeper', 'TIMEOUT'],
      ['nan', 'CONTRACT'],
      ['bigint', 'CONTRACT'],
    ]);
    const stats = Object.fromEntries(messy.plugins().map((p) => [p.id, p.stats]));
    expect(stats.sleeper?.timeouts).toBe(30);
    expect(stats.thrower?.errors).toBe(30);
    expect(stats.thrower?.lastError).toEqual({ kind: 'ERROR', message: 'boom', index: 29 });
    expect(stats['sma-a']?.errors).toBe(0);
  });

  it('aborts ctx.signal on timeout and ignores the late result', async () => {
    const host = hostWith();
    let seen: AbortSignal | undefined;
    let resolveLate: ((r: SensorReading) => void) | undefined;
    await host.load([
      badPlugin(
        'late',
        ({ ctx }) => {
          seen = ctx.signal;
          return new Promise<SensorReading>((resolve) => {
            resolveLate = resolve;
          });
        },
        { budget: { timeoutMs: 10 } },
      ),
    ]);
    const data = bars(2);
    const first = await host.step(data[0] as Bar);
    expect(first.kind === 'step' && first.plugins.late?.status).toBe('TIMEOUT');
    expect(seen?.aborted).toBe(true);
    expect((seen?.reason as Error | undefined)?.message).toContain('exceeded budget.timeoutMs 10');
    resolveLate?.({ active: true, score: 1, status: 'too late' });
    await new Promise((r) => setTimeout(r, 5));
    expect(host.plugins()[0]?.stats.timeouts).toBe(1);
  });

  it("passes the call's own signal as args.signal, usable after await", async () => {
    const host = hostWith();
    const signals: AbortSignal[] = [];
    let sameAsCtx = true;
    let lateSawAbort: boolean | undefined;
    await host.load([
      badPlugin(
        'waits',
        async ({ signal, ctx, step }) => {
          signals.push(signal);
          sameAsCtx &&= signal === ctx.signal;
          if (step.index === 1) {
            // Bar 1 outlives its budget: it waits for its own signal, which only the timeout fires.
            // ctx.signal has moved on by then (the call is over); args.signal still answers for it.
            await new Promise((resolve) => signal.addEventListener('abort', resolve));
            lateSawAbort = signal.aborted;
          } else {
            await Promise.resolve();
            sameAsCtx &&= signal === ctx.signal;
          }
          return { active: false, score: 0, status: signal.aborted ? 'aborted' : 'ok' };
        },
        { budget: { timeoutMs: 10 } },
      ),
      badPlugin('sync-reader', ({ signal }) => ({ active: signal.aborted, score: 0, status: 'ok' })),
    ]);
    const data = bars(3);
    const statuses: Array<string | undefined> = [];
    for (const bar of data) {
      const out = await host.step(bar);
      if (out.kind === 'step') statuses.push(out.plugins.waits?.status);
    }
    expect(statuses).toEqual(['ok', 'TIMEOUT', 'ok']);
    expect(signals).toHaveLength(3);
    expect(new Set(signals).size).toBe(3);
    expect(signals.map((x) => x.aborted)).toEqual([false, true, false]);
    expect(sameAsCtx).toBe(true);
    expect(lateSawAbort).toBe(true);
    expect(host.plugins()[1]?.stats.errors).toBe(0);
  });
});

describe('sync and async steps', () => {
  it('returns a plain result when every onBar is synchronous and a promise only when one is async', async () => {
    const host = hostWith();
    let asyncNow = false;
    await host.load([
      smaPlugin('sync-one', { warmup: 0 }),
      badPlugin('maybe-async', () => {
        const r = { active: false, score: 0, status: 'ok' };
        return asyncNow ? Promise.resolve(r) : r;
      }),
    ]);
    const data = bars(3);
    const sync = host.step(data[0] as Bar);
    expect(sync).not.toBeInstanceOf(Promise);
    asyncNow = true;
    const later = host.step(data[1] as Bar);
    expect(later).toBeInstanceOf(Promise);
    // Queued behind the async step: the ring must not move while it runs.
    const queued = host.step(data[2] as Bar);
    expect(queued).toBeInstanceOf(Promise);
    const [a, b] = await Promise.all([later, queued]);
    expect(a.kind === 'step' && a.index).toBe(1);
    expect(b.kind === 'step' && b.index).toBe(2);
    asyncNow = false;
    expect(host.step(bars(4)[3] as Bar)).not.toBeInstanceOf(Promise);
  });

  it('runs the async plugins of one layer together and later layers after them, in order', async () => {
    const host = hostWith();
    const log: string[] = [];
    // slow-a finishes only after slow-b has: run one after the other, slow-a would never end (and
    // time out); run together, the order below is the only one possible, on any machine.
    let bDone!: () => void;
    const bEnded = new Promise<void>((resolve) => {
      bDone = resolve;
    });
    const slow = (id: string, wait: () => Promise<void>, done: () => void = () => {}): KeelPlugin =>
      badPlugin(
        id,
        async () => {
          log.push(`start ${id}`);
          await wait();
          log.push(`end ${id}`);
          done();
          return { active: false, score: 0, status: id };
        },
        { layer: 'L1' },
      );
    await host.load([
      slow('slow-a', () => bEnded),
      slow('slow-b', () => Promise.resolve(), bDone),
      badPlugin(
        'reader',
        ({ step }) => {
          log.push(`reader sees ${Object.keys(step.plugins).join(',')}`);
          return { active: false, score: 0, status: 'r' };
        },
        { layer: 'L2' },
      ),
    ]);
    const r = await host.step(bars(1)[0] as Bar);
    expect(log).toEqual([
      'start slow-a',
      'start slow-b',
      'end slow-b',
      'end slow-a',
      'reader sees slow-a,slow-b',
    ]);
    expect(r.kind === 'step' && r.sensors.map((s) => s.plugin)).toEqual(['slow-a', 'slow-b', 'reader']);
  });
});

describe('warm-up', () => {
  it.each([0, 1, 2, 7, 20])(
    'gives the first own reading at bar index warmup - 1 (warmup %i)',
    async (warmup) => {
      const host = hostWith();
      let calls = 0;
      await host.load([
        badPlugin(
          'warm',
          () => {
            calls++;
            return { active: true, score: 1, status: 'on' };
          },
          { warmup, window: 30 },
        ),
      ]);
      const results = await collect(host, bars(25));
      const first = results.findIndex((r) => r.plugins.warm?.status !== 'WARMUP');
      expect(first).toBe(Math.max(0, warmup - 1));
      expect(calls).toBe(25 - first);
      expect(
        results.slice(0, first).every((r) => r.sensors[0]?.status === 'WARMUP' && r.sensors[0].score === 0),
      ).toBe(true);
    },
  );

  it('reports warming k/N, then ready', async () => {
    const host = hostWith();
    await host.load([smaPlugin('sma-w', { warmup: 4 })]);
    expect(host.plugins()[0]?.label).toBe('loaded');
    const data = bars(4);
    host.step(data[0] as Bar);
    host.step(data[1] as Bar);
    expect(host.plugins()[0]?.label).toBe('warming 2/4');
    host.step(data[2] as Bar);
    host.step(data[3] as Bar);
    expect(host.plugins()[0]?.state).toBe('ready');
  });
});

describe('determinism and look-ahead', () => {
  it('produces equal results on two replays (everything but timing)', async () => {
    const host = hostWith();
    await host.load([
      smaPlugin('sma-1'),
      smaPlugin('sma-2', { layer: 'L1' }),
      badPlugin('flaky', ({ bar }) => {
        if (Math.round(bar.close * 100) % 7 === 0) throw new Error('seven');
        return { active: false, score: 0, status: 'ok' };
      }),
    ]);
    const data = bars(400);
    const strip = (rs: HostStepResult[]) => rs.map(({ timing: _t, ...rest }) => rest);
    const one = strip(await collect(host, data));
    const two = strip(await collect(host, data));
    expect(two).toEqual(one);
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
  });

  it('never shows a plugin a bar after the current one', async () => {
    const host = hostWith();
    const violations: string[] = [];
    await host.load([
      badPlugin(
        'peek',
        ({ bar, window, step }) => {
          if (window.time.get(-1) !== bar.time)
            violations.push(`newest window bar is not the current bar at ${step.index}`);
          if (window.at(-1)?.close !== bar.close) violations.push(`at(-1) mismatch at ${step.index}`);
          const times = window.time.values();
          for (let i = 1; i < times.length; i++)
            if ((times[i] as number) <= (times[i - 1] as number)) violations.push('order');
          if (window.time.at(window.length) !== undefined) violations.push('read past the end');
          return { active: false, score: 0, status: 'ok' };
        },
        { window: 10 },
      ),
    ]);
    const data = bars(50);
    const results = await collect(host, data);
    expect(violations).toEqual([]);
    // Results at bar i are the same whether or not later bars exist.
    const prefix = await collect(host, data.slice(0, 20));
    expect(prefix.map((r) => r.plugins)).toEqual(results.slice(0, 20).map((r) => r.plugins));
  });
});

describe('bar identity', () => {
  it('gives plugins a frozen per-bar copy they may keep across bars', async () => {
    const host = hostWith();
    const kept: Bar[] = [];
    await host.load([
      badPlugin('keeper', ({ bar }) => {
        kept.push(bar);
        return { active: false, score: 0, status: 'ok' };
      }),
    ]);
    // The caller's own (mutable) objects: the host copies each once.
    const data = bars(3).map((b) => ({ ...b }));
    const results = data.map((b) => step(host.step(b)));
    expect(kept.map((b) => b.close)).toEqual(data.map((b) => b.close));
    expect(kept.every((b) => Object.isFrozen(b))).toBe(true);
    expect(results.map((r) => r.bar)).toEqual(kept);
    expect(kept[0]).not.toBe(data[0]);
  });
});

describe('reset', () => {
  it('clears windows, warm-up, bar index and time check and calls plugin reset()', async () => {
    const host = hostWith();
    let resets = 0;
    let lengths: number[] = [];
    await host.load([
      badPlugin(
        'len',
        ({ window }) => {
          lengths.push(window.length);
          return { active: false, score: 0, status: 'ok' };
        },
        { warmup: 3, window: 5, reset: () => void resets++ },
      ),
    ]);
    const data = bars(8);
    for (const b of data) host.step(b);
    expect(lengths).toEqual([3, 4, 5, 5, 5, 5]);
    host.reset();
    expect(resets).toBe(1);
    lengths = [];
    // The same bars again: time restarts, warm-up restarts, the window starts empty.
    const again = data.map((b) => step(host.step(b)));
    expect(again[0]?.index).toBe(0);
    expect(again[1]?.plugins.len?.status).toBe('WARMUP');
    expect(lengths).toEqual([3, 4, 5, 5, 5, 5]);
  });

  it('replay resets first by default and continues with reset: false', async () => {
    const host = hostWith();
    let resets = 0;
    await host.load([smaPlugin('sma-r', { reset: () => void resets++ })]);
    const data = bars(10);
    await host.replay(data);
    const summary = await host.replay(data);
    expect(resets).toBe(2);
    expect(summary.accepted).toBe(10);
    const cont = await host.replay(data, { reset: false });
    expect(cont.accepted).toBe(0);
    expect(cont.rejected.byReason.time_not_increasing).toBe(10);
  });

  it('refuses to reset while an async step is running', async () => {
    const host = hostWith();
    await host.load([badPlugin('slowly', async () => ({ active: false, score: 0, status: 'ok' }))]);
    const pending = host.step(bars(1)[0] as Bar);
    expect(() => host.reset()).toThrow(expect.objectContaining({ code: 'HOST_BUSY' }));
    await pending;
    expect(() => host.reset()).not.toThrow();
  });
});

describe('quarantine', () => {
  it('quarantines after N consecutive failures, retries after a doubling back-off and recovers', async () => {
    const warnings: LogRecord[] = [];
    const host = createHost({
      services: { logger: createLogger({ level: 'warn', sink: (_l, r) => warnings.push(r) }) },
      quarantine: { threshold: 3, backoffBars: 4, maxBackoffBars: 8 },
    });
    let failing = true;
    let calls = 0;
    await host.load([
      badPlugin('fragile', () => {
        calls++;
        if (failing) throw new Error('down');
        return { active: true, score: 1, status: 'up' };
      }),
    ]);
    const data = bars(40);
    const statuses: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (i === 26) failing = false;
      statuses.push(step(host.step(data[i] as Bar)).plugins.fragile?.status ?? '');
    }
    const Q = 'QUARANTINED';
    const E = 'ERROR: down';
    expect(statuses).toEqual([
      E,
      E,
      E, // bars 0-2: three failures
      Q,
      Q,
      Q,
      Q, // 4 bars of back-off
      E, // bar 7: retry fails, back-off doubles to 8
      Q,
      Q,
      Q,
      Q,
      Q,
      Q,
      Q,
      Q,
      E, // bar 16: retry fails, back-off capped at 8
      Q,
      Q,
      Q,
      Q,
      Q,
      Q,
      Q,
      Q,
      E, // bar 25
      Q, // bar 26: plugin healed, still benched
      Q,
      Q,
      Q,
    ]);
    expect(host.plugins()[0]?.state).toBe('quarantined');
    for (let i = 30; i < 40; i++)
      statuses.push(step(host.step(data[i] as Bar)).plugins.fragile?.status ?? '');
    expect(statuses.slice(30)).toEqual([Q, Q, Q, Q, 'up', 'up', 'up', 'up', 'up', 'up']);
    const info = host.plugins()[0];
    expect(info?.state).toBe('ready');
    expect(info?.stats.consecutiveFailures).toBe(0);
    expect(info?.stats.quarantines).toBe(4);
    expect(calls).toBe(3 + 3 + 6);
    expect(warnings.some((w) => w.msg === 'plugin quarantined' && w.fields.plugin === 'fragile')).toBe(true);
  });

  it('reports a QUARANTINED step error on each benched bar and clears on reset', async () => {
    const host = hostWith({ quarantine: { threshold: 1, backoffBars: 100 } });
    await host.load([
      badPlugin('dud', () => {
        throw 'plain string';
      }),
    ]);
    const data = bars(3);
    expect(step(host.step(data[0] as Bar)).plugins.dud?.status).toBe(
      'ERROR: non-error thrown: "plain string"',
    );
    expect(step(host.step(data[1] as Bar)).errors).toEqual([
      {
        plugin: 'dud',
        kind: 'QUARANTINED',
        message: 'quarantined after 1 consecutive failures; retry in 100 bars',
      },
    ]);
    host.reset();
    expect(host.plugins()[0]?.state).toBe('loaded');
  });
});

describe('bar validation', () => {
  it('rejects broken bars with a counted reason and never passes them on', async () => {
    const host = hostWith();
    const seen: number[] = [];
    await host.load([
      badPlugin('watch', ({ bar }) => {
        seen.push(bar.time);
        return { active: false, score: 0, status: 'ok' };
      }),
    ]);
    const good = { time: 1000, open: 10, high: 11, low: 9, close: 10.5, volume: 5 };
    const outcomes = [
      host.step(good),
      host.step({ ...good, time: 2000, close: Number.NaN }),
      host.step({ ...good, time: 2000, high: 9.5 }),
      host.step({ ...good, time: 2000, low: 10.6 }),
      host.step({ ...good, time: 2000, volume: -1 }),
      host.step({ ...good, time: 1000 }),
      host.step({ ...good, time: 500 }),
      host.step({ ...good, time: 2000.5 }),
      host.step(null as unknown as Bar),
      host.step({ ...good, time: 2000, aux: { vix: Number.POSITIVE_INFINITY } }),
      host.step({ ...good, time: 3000 }),
    ] as StepOutcome[];
    expect(outcomes.map((o) => (o.kind === 'step' ? `step ${o.index}` : o.reason))).toEqual([
      'step 0',
      'non_finite',
      'ohlc_inconsistent',
      'ohlc_inconsistent',
      'negative_volume',
      'time_not_increasing',
      'time_not_increasing',
      'bad_time',
      'bad_time',
      'non_finite',
      'step 1',
    ]);
    expect(seen).toEqual([1000, 3000]);
    const last = outcomes.at(-1) as HostStepResult;
    expect(last.rejectedBars).toBe(9);
    expect(host.rejectedBars).toEqual({
      total: 9,
      byReason: {
        non_finite: 2,
        ohlc_inconsistent: 2,
        negative_volume: 1,
        bad_time: 2,
        time_not_increasing: 2,
      },
    });
    const nan = outcomes[1];
    expect(nan?.kind === 'rejected' && [nan.field, nan.value, nan.message]).toEqual([
      'close',
      'NaN',
      'close is not a finite number: NaN',
    ]);
    expect(() => JSON.stringify(outcomes)).not.toThrow();
  });

  it('accepts and rejects bars exactly as validateBar does (the clean-bar fast path is only a shortcut)', () => {
    const base = { time: 1_000, open: 10, high: 11, low: 9, close: 10.5, volume: 100 };
    const variants: Array<Partial<Record<keyof typeof base, unknown>> & { aux?: unknown }> = [
      {},
      { low: 10, high: 10.5 },
      { time: 1_000.5 },
      { time: -1 },
      { open: Number.NaN },
      { close: Number.POSITIVE_INFINITY },
      { volume: -0 },
      { volume: -1 },
      { low: 10.6 },
      { high: 10.4 },
      { high: '11' },
      { aux: { vwap: 10 } },
      { aux: { vwap: Number.NaN } },
    ];
    for (const [k, v] of variants.entries()) {
      const bar = { ...base, time: base.time + k * 10, ...v } as unknown as Bar;
      const expected = validateBar(bar);
      const out = hostWith().step(bar) as StepOutcome;
      expect(out.kind === 'step' ? 'ok' : `${out.reason} ${out.field}`).toBe(
        expected.ok ? 'ok' : `${expected.reason} ${expected.field}`,
      );
    }
  });

  it('reports rejected bars through replay', async () => {
    const host = hostWith();
    await host.load([smaPlugin('sma-x')]);
    const data: Bar[] = bars(5);
    data.splice(2, 0, { ...(data[1] as Bar) });
    const rejected: string[] = [];
    const summary = await host.replay(data, { onRejected: (r) => rejected.push(r.reason) });
    expect(rejected).toEqual(['time_not_increasing']);
    expect(summary).toMatchObject({ processed: 6, accepted: 5, rejected: { total: 1 } });
  });
});

describe('layers', () => {
  it('runs layers in order and shows each plugin only the frozen readings of earlier layers', async () => {
    const host = hostWith();
    const views: Record<string, string[]> = {};
    const spy = (id: string, layer: KeelPlugin['layer']): KeelPlugin =>
      badPlugin(
        id,
        ({ step }) => {
          views[id] = step.sensors.map((s) => s.plugin);
          expect(Object.isFrozen(step)).toBe(true);
          expect(Object.isFrozen(step.sensors)).toBe(true);
          expect(Object.isFrozen(step.plugins)).toBe(true);
          for (const r of Object.values(step.plugins)) expect(Object.isFrozen(r)).toBe(true);
          expect(Object.keys(step.plugins)).toEqual(views[id]);
          return { active: true, score: 0.5, status: `${id} saw ${step.sensors.length}` };
        },
        { layer },
      );
    await host.load([
      spy('exe', 'EXE'),
      spy('ext-a', 'L3-ext'),
      spy('l1-a', 'L1'),
      spy('l2-ext', 'L2-ext'),
      spy('l1-b', 'L1'),
      spy('l4', 'L4'),
      spy('l2', 'L2'),
      spy('l3', 'L3'),
    ]);
    const r = step(host.step(bars(1)[0] as Bar));
    const order = ['l1-a', 'l1-b', 'l2', 'l3', 'l4', 'l2-ext', 'ext-a', 'exe'];
    expect(r.sensors.map((s) => s.plugin)).toEqual(order);
    expect(views['l1-a']).toEqual([]);
    expect(views['l1-b']).toEqual([]);
    expect(views.l2).toEqual(['l1-a', 'l1-b']);
    expect(views['l2-ext']).toEqual(['l1-a', 'l1-b', 'l2', 'l3', 'l4']);
    expect(views.exe).toEqual(order.slice(0, -1));
    expect(r.errors).toEqual([]);
    expect(r.sensors[0]).toEqual({
      id: 'l1_a',
      plugin: 'l1-a',
      name: 'l1-a',
      layer: 'L1',
      active: true,
      score: 0.5,
      status: 'l1-a saw 0',
    });
  });
});

describe('enable and disable', () => {
  it('serves DISABLED readings and warms up again after enable', async () => {
    const host = hostWith();
    let resets = 0;
    await host.load([
      { plugin: smaPlugin('sma-d', { warmup: 2, reset: () => void resets++ }), enabled: false },
    ]);
    const data = bars(6);
    expect(step(host.step(data[0] as Bar)).plugins['sma-d']?.status).toBe('DISABLED');
    expect(host.plugins()[0]?.state).toBe('disabled');
    host.enable('sma-d');
    expect(resets).toBe(1);
    expect(step(host.step(data[1] as Bar)).plugins['sma-d']?.status).toBe('WARMUP');
    expect(step(host.step(data[2] as Bar)).plugins['sma-d']?.status).not.toBe('WARMUP');
    host.disable('sma-d');
    expect(step(host.step(data[3] as Bar)).plugins['sma-d']?.status).toBe('DISABLED');
    expect(() => host.enable('nope')).toThrow(expect.objectContaining({ code: 'HOST_UNKNOWN_PLUGIN' }));
  });
});

describe('bar-time hook and disposal', () => {
  it('calls bar-time listeners for accepted bars only, before plugins, and survives a throwing one', async () => {
    const events: string[] = [];
    const host = hostWith({ onBarTime: (t, i) => events.push(`option ${t} #${i}`) });
    host.onBarTime(() => {
      throw new Error('listener bug');
    });
    const off = host.onBarTime((t) => events.push(`listener ${t}`));
    await host.load([
      badPlugin('order', ({ bar }) => {
        events.push(`plugin ${bar.time}`);
        return { active: false, score: 0, status: 'ok' };
      }),
    ]);
    const good = { time: 10, open: 1, high: 1, low: 1, close: 1, volume: 0 };
    host.step(good);
    host.step({ ...good, time: 5 });
    off();
    host.step({ ...good, time: 20 });
    expect(events).toEqual(['option 10 #0', 'listener 10', 'plugin 10', 'option 20 #1', 'plugin 20']);
  });

  it('dispose aborts plugin signals, calls dispose hooks in reverse order and refuses further use', async () => {
    const host = hostWith();
    const order: string[] = [];
    const signals: AbortSignal[] = [];
    const plugin = (id: string) =>
      badPlugin(id, () => ({ active: false, score: 0, status: 'ok' }), {
        setup: (ctx) => void signals.push(ctx.signal),
        dispose: () => void order.push(id),
      });
    await host.load([plugin('first'), plugin('second')]);
    await host.dispose();
    expect(order).toEqual(['second', 'first']);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(() => host.step(bars(1)[0] as Bar)).toThrow(expect.objectContaining({ code: 'HOST_DISPOSED' }));
  });
});
