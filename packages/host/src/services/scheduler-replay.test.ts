import { readFileSync } from 'node:fs';
import { createNyseCalendar } from '@keel/calendar';
import type { HostContext, Logger } from '@keel/contract';
import { expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../../test-support/shared-data.js';
import { MarketHistory } from '../market-history.js';
import { createEventBus } from './event-bus.js';
import { createManualClock } from './manual-clock.js';
import { createMemoryCacheStore } from './memory-cache.js';
import { createRpcRegistry } from './rpc.js';
import { createScheduler, type JobContextFactory } from './scheduler.js';

const BAR_MS = 5 * 60_000;
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

// The CSV's date column mixes UTC offsets (`2024-03-11 13:30:00+00:00`); each stamp is a bar's start.
function readBarTimes(file: string): number[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const times: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const stamp = line.slice(0, line.indexOf(','));
    const t = Date.parse(stamp.replace(' ', 'T'));
    if (!Number.isFinite(t)) throw new Error(`line ${i + 1}: bad date ${JSON.stringify(stamp)}`);
    times.push(t);
  }
  return times;
}

const nyDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

describeWithSharedData('scheduler replay over SPY_5m.csv', () => {
  const times = readBarTimes(sharedDataPath('SPY_5m.csv'));
  const calendar = createNyseCalendar();
  const sessionDates = [...new Set(times.map((t) => nyDate.format(t)))];

  async function replay(timeOf: (barTime: number) => number, finalTime?: number) {
    const clock = createManualClock(timeOf(times[0]!));
    const bus = createEventBus({ clock });
    const scheduler = createScheduler({ calendar, clock, bus, runLogSize: 10_000 });
    const context: JobContextFactory = ({ signal }): HostContext => ({
      pluginId: 'eod',
      config: {},
      log: silent,
      bus,
      rpc: createRpcRegistry().forCaller('eod'),
      cache: createMemoryCacheStore({ clock }).forPlugin('eod'),
      clock,
      market: new MarketHistory({ history: 10, fixed: true, maxSymbols: 1 }).reader(),
      signal,
    });
    const seenAt: number[] = [];
    scheduler.add(
      'eod',
      [
        {
          when: '@close',
          run: (ctx) => {
            seenAt.push(ctx.clock.now());
            return { success: true };
          },
        },
      ],
      context,
    );
    for (const t of times) {
      clock.set(timeOf(t));
      await scheduler.advanceTo(timeOf(t));
    }
    if (finalTime !== undefined) {
      clock.set(finalTime);
      await scheduler.advanceTo(finalTime);
    }
    return { runs: scheduler.runs(), seenAt };
  }

  it('has bars only on NYSE sessions, within session hours', () => {
    expect(sessionDates.length).toBeGreaterThan(600);
    for (const date of sessionDates) expect(calendar.sessionOn(date), date).not.toBeNull();
    for (const t of times) expect(calendar.isOpen(t)).toBe(true);
  });

  it('fires @close exactly once per session in the data, at its close, never on a holiday (bar-end time)', async () => {
    const { runs, seenAt } = await replay((t) => t + BAR_MS);
    expect(runs).toHaveLength(sessionDates.length);
    const expected = sessionDates.map((date) => calendar.sessionOn(date)!.close);
    expect(runs.map((r) => r.scheduledAt)).toEqual(expected);
    // The last bar of each session ends at its close, so the job ran at that very bar time.
    expect(seenAt).toEqual(expected);
    expect(runs.every((r) => r.success && r.coalesced === 0)).toBe(true);
    for (const r of runs) expect(calendar.holidayOn(nyDate.format(r.scheduledAt))).toBeNull();
    const early = runs.filter((r) => nyDate.format(r.scheduledAt) === '2024-11-29');
    expect(early.map((r) => new Date(r.scheduledAt).toISOString())).toEqual(['2024-11-29T18:00:00.000Z']);
  });

  it('fires the same closes when advanced to bar start times and finished at the end of the last bar', async () => {
    const { runs } = await replay((t) => t, times.at(-1)! + BAR_MS);
    expect(runs.map((r) => nyDate.format(r.scheduledAt))).toEqual(sessionDates);
  });
});
