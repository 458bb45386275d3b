import { createNyseCalendar } from '@keel/calendar';
import { type Bar, definePlugin, type JsonValue, type MarketBars, type SensorReading } from '@keel/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHost, type HostOptions } from './host.js';
import { createLogger } from './logger.js';
import { MarketHistory } from './market-history.js';
import { generateBars } from './synthetic-bars.js';

const OK: SensorReading = Object.freeze({ active: false, score: 0, status: 'ok' });
const quiet = (options: HostOptions = {}) =>
  createHost({
    cache: { memory: true },
    services: { logger: createLogger({ level: 'silent' }) },
    ...options,
  });

function bar(time: number, close: number, symbol?: string, aux?: Record<string, number>): Bar {
  return {
    time,
    open: close,
    high: close + 1,
    low: close - 1,
    close,
    volume: 10,
    ...(symbol === undefined ? {} : { symbol }),
    ...(aux === undefined ? {} : { aux }),
  };
}

/** 5-minute bars over NYSE sessions, plus extended-hours bars up to 16:10 (after the close). */
function sessionBars(dates: string[], afterClose = 0): Bar[] {
  const calendar = createNyseCalendar();
  const bars: Bar[] = [];
  let price = 100;
  for (const date of dates) {
    const session = calendar.sessionOn(date);
    if (session === null) continue;
    for (let t = session.open; t < session.close + afterClose; t += 300_000) {
      bars.push(bar(t, price));
      price += 0.25;
    }
  }
  return bars;
}

describe('ctx.market for bar sensors', () => {
  it('a sensor at bar i sees bars 0..i, never a later one (property over the limit)', async () => {
    const bars = [...generateBars({ count: 300, seed: 3 })];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), async (limit) => {
        const seen: Array<{ index: number; read: MarketBars }> = [];
        let index = 0;
        const host = quiet();
        await host.load([
          definePlugin({
            id: 'reader',
            name: 'r',
            version: '1.0.0',
            category: 'diag',
            warmup: 0,
            onBar({ ctx }) {
              seen.push({ index: index++, read: ctx.market.bars(limit) });
              return OK;
            },
          }),
        ]);
        await host.replay(bars);
        for (const { index: i, read } of seen) {
          const n = Math.min(limit, i + 1);
          expect(read.length).toBe(n);
          expect(read.time[n - 1]).toBe(bars[i]?.time);
          expect(Array.from(read.close)).toEqual(bars.slice(i + 1 - n, i + 1).map((b) => b.close));
        }
        await host.dispose();
      }),
      { numRuns: 8 },
    );
  });

  it('gives setup, RPC handlers and event handlers the same history; results are caller-owned copies', async () => {
    const host = quiet();
    const reads: Record<string, number> = {};
    await host.load([
      definePlugin({
        id: 'service',
        name: 's',
        version: '1.0.0',
        category: 'data',
        setup(ctx) {
          reads.setup = ctx.market.bars(10).length;
          ctx.rpc.register('last-close', () => ctx.market.bars(1).close[0] ?? null);
          ctx.bus.on('poke', () => {
            reads.event = ctx.market.bars(10).length;
          });
        },
      }),
    ]);
    await host.replay([bar(1000, 5), bar(2000, 6), bar(3000, 7)]);
    expect(reads.setup).toBe(0);
    expect(await host.rpc.call('last-close')).toBe(7);
    host.bus.publish('poke', null);
    await host.idle();
    expect(reads.event).toBe(3);
    const copy = host.market.bars(3);
    copy.close[0] = -1;
    expect(host.market.bars(3).close[0]).toBe(5);
    expect(Object.isFrozen(copy)).toBe(true);
    await host.dispose();
  });

  it('rejects a bad limit or symbol with a typed error naming the value', async () => {
    const host = quiet();
    expect(() => host.market.bars(-1)).toThrow(/limit must be a non-negative integer \(got -1\)/);
    expect(() => host.market.bars(1.5)).toThrow(expect.objectContaining({ code: 'HOST_INVALID_ARGUMENT' }));
    expect(() => host.market.bars(3, { symbol: '' })).toThrow(/symbol must be a non-empty string/);
    expect(host.market.bars(0).length).toBe(0);
    await host.dispose();
  });
});

describe('ctx.market for scheduled jobs', () => {
  it('a job due at 16:00 sees the 15:55 bar last, never the 16:00 or 16:05 bars of the data', async () => {
    const bars = sessionBars(['2024-03-11', '2024-03-12'], 10 * 60_000);
    const runs: Array<{ scheduledAt: number; newest: number | undefined; length: number }> = [];
    const host = quiet();
    await host.load([
      definePlugin({
        id: 'eod',
        name: 'eod',
        version: '1.0.0',
        category: 'risk',
        schedule: [
          {
            when: '@close',
            run(ctx, tick) {
              const read = ctx.market.bars(1000);
              runs.push({
                scheduledAt: tick.scheduledAt,
                newest: read.time[read.length - 1],
                length: read.length,
              });
              return { success: true };
            },
          },
        ],
      }),
    ]);
    await host.replay(bars);
    const calendar = createNyseCalendar();
    const closes = ['2024-03-11', '2024-03-12'].map((d) => calendar.sessionOn(d)?.close as number);
    expect(runs.map((r) => r.scheduledAt)).toEqual(closes);
    for (const run of runs) {
      expect(run.newest).toBe(run.scheduledAt - 300_000);
      expect(run.newest as number).toBeLessThanOrEqual(run.scheduledAt);
    }
    await host.dispose();
  });

  it('an async job that reads after later bars arrived still sees nothing past its due time', async () => {
    const t0 = Date.UTC(2024, 2, 11, 13, 30);
    let now = t0;
    const host = quiet({ clock: { now: () => now } });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const reads: number[] = [];
    await host.load([
      definePlugin({
        id: 'slow',
        name: 'slow',
        version: '1.0.0',
        category: 'risk',
        schedule: [
          {
            when: 'on:poke',
            async run(ctx, tick) {
              await gate;
              const read = ctx.market.bars(100);
              reads.push(tick.scheduledAt, read.time[read.length - 1] ?? Number.NaN, read.length);
              return { success: true };
            },
          },
        ],
      }),
    ]);
    // Outside a replay: the 13:30 bar arrives, an event at 13:32 starts the run, and two more bars
    // arrive while it waits; when it finally reads, it still sees only what existed at 13:32.
    await host.step(bar(t0, 1));
    now = t0 + 2 * 60_000;
    host.bus.publish('poke', null);
    await waitFor(() => host.nextRuns()[0]?.running === true);
    await host.step(bar(t0 + 5 * 60_000, 2));
    await host.step(bar(t0 + 10 * 60_000, 3));
    release();
    await host.idle();
    expect(reads).toEqual([t0 + 2 * 60_000, t0, 1]);
    expect(host.market.bars(100).length).toBe(3);
    await host.dispose();
  });
});

describe('symbols and retention', () => {
  it('keeps one history per symbol; bars of two symbols may share a time, one symbol may not repeat it', async () => {
    const host = quiet();
    const seen: string[] = [];
    await host.load([
      definePlugin({
        id: 'pair',
        name: 'p',
        version: '1.0.0',
        category: 'diag',
        warmup: 0,
        onBar({ bar: b, ctx }) {
          const own = ctx.market.bars(10);
          seen.push(`${b.symbol}:${own.symbol}:${own.length}`);
          return OK;
        },
      }),
    ]);
    const summary = await host.replay([
      bar(1000, 10, 'SPY'),
      bar(1000, 20, 'QQQ'),
      bar(2000, 11, 'SPY'),
      bar(2000, 12, 'SPY'),
      bar(2000, 21, 'QQQ'),
      bar(1500, 99, 'IWM'),
    ]);
    expect(summary.accepted).toBe(4);
    expect(summary.rejected.byReason.time_not_increasing).toBe(2);
    expect(seen).toEqual(['SPY:SPY:1', 'QQQ:QQQ:1', 'SPY:SPY:2', 'QQQ:QQQ:2']);
    expect(Array.from(host.market.bars(50, { symbol: 'SPY' }).close)).toEqual([10, 11]);
    expect(Array.from(host.market.bars(50, { symbol: 'QQQ' }).close)).toEqual([20, 21]);
    const unknown = host.market.bars(50, { symbol: 'IWM' });
    expect(unknown).toMatchObject({ symbol: 'IWM', length: 0 });
    expect(host.market.symbols()).toEqual(['SPY', 'QQQ']);
    await host.dispose();
  });

  it('retains at most `market.history` bars per series, and drops (and counts) symbols beyond maxSymbols', async () => {
    const host = quiet({ market: { history: 100, maxSymbols: 1 } });
    await host.replay(generateBars({ count: 1000, seed: 5, symbol: 'SPY' }));
    const read = host.market.bars(5000, { symbol: 'SPY' });
    expect(read.length).toBe(100);
    const all = [...generateBars({ count: 1000, seed: 5 })];
    expect(Array.from(read.time)).toEqual(all.slice(900).map((b) => b.time));
    await host.replay([bar(1, 1, 'SPY'), bar(2, 1, 'QQQ'), bar(3, 1, 'QQQ')]);
    expect(host.marketStats()).toMatchObject({ history: 100, symbols: ['SPY'], droppedBars: 2 });
    expect(host.market.bars(5, { symbol: 'QQQ' }).length).toBe(0);
    await host.dispose();
  });

  it('defaults to 5 000 bars, raised to the largest plugin window', async () => {
    const host = quiet();
    expect(host.marketStats().history).toBe(5000);
    await host.load([
      definePlugin({
        id: 'wide',
        name: 'w',
        version: '1.0.0',
        category: 'diag',
        window: 6000,
        warmup: 0,
        onBar: () => OK,
      }),
    ]);
    expect(host.marketStats().history).toBe(6000);
    expect(() => quiet({ market: { history: 1 } })).toThrow(/market\.history/);
    await host.dispose();
  });

  it('carries aux columns, NaN where a bar lacked the key', () => {
    const history = new MarketHistory({ history: 10, fixed: true, maxSymbols: 4 });
    history.push(bar(1, 1, 'SPY'));
    history.push(bar(2, 2, 'SPY', { vix: 15 }));
    history.push(bar(3, 3, 'SPY', { vix: 16 }));
    const read = history.reader().bars(3, { symbol: 'SPY' });
    expect(Array.from(read.aux.vix ?? [])).toEqual([Number.NaN, 15, 16]);
    expect(Object.keys(history.reader().bars(1, { symbol: 'SPY' }).aux)).toEqual(['vix']);
    expect(history.reader(2).bars(3, { symbol: 'SPY' }).length).toBe(2);
  });
});

describe('bar events', () => {
  it('publishes a `bar` event per accepted bar when market.barEvents is on', async () => {
    const host = quiet({ market: { barEvents: true } });
    const events: Array<{ time: number; data: JsonValue }> = [];
    host.bus.on('bar', (event) => {
      events.push({ time: event.time, data: event.data });
    });
    await host.replay([bar(1000, 1, 'SPY', { vix: 14 }), bar(500, 1, 'SPY'), bar(2000, 2, 'SPY')]);
    await host.idle();
    expect(events.map((e) => e.data)).toEqual([
      { time: 1000, open: 1, high: 2, low: 0, close: 1, volume: 10, symbol: 'SPY', aux: { vix: 14 } },
      { time: 2000, open: 2, high: 3, low: 1, close: 2, volume: 10, symbol: 'SPY' },
    ]);
    await host.dispose();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((r) => setImmediate(r));
  expect(condition()).toBe(true);
}
