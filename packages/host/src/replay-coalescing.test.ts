import { createNyseCalendar } from '@keel/calendar';
import { type Bar, definePlugin, type ScheduleTick } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { createHost } from './host.js';
import { createLogger } from './logger.js';

const nyse = createNyseCalendar();
const quiet = () => createLogger({ level: 'silent' });
const iso = (t: number) => new Date(t).toISOString();

// Daily bars stamped at the session open, on every other NYSE session from 2024-07-01: the gaps
// between bars span whole sessions (a holiday, 2024-07-04, included) that have no bar.
function everyOtherSession(count: number): Bar[] {
  const bars: Bar[] = [];
  let t = Date.parse('2024-07-01T00:00:00Z');
  for (let session = 0; bars.length < count; session++) {
    const open = nyse.nextOpen(t);
    if (session % 2 === 0) bars.push({ time: open, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    t = nyse.nextClose(open);
  }
  return bars;
}

describe('replay: periodic jobs coalesce, calendar jobs run per occurrence', () => {
  it('over daily bars `every 30s` runs once per bar; @close and cron run once per session, bars or not', async () => {
    const interval: ScheduleTick[] = [];
    const closes: Array<[string, string]> = [];
    const noons: string[] = [];
    const plugin = definePlugin({
      id: 'jobs',
      name: 'jobs',
      version: '1.0.0',
      category: 'diag',
      schedule: [
        {
          when: 'every 30s',
          run(_ctx, tick) {
            interval.push(tick);
            return { success: true };
          },
        },
        {
          when: '@close',
          run(ctx, tick) {
            closes.push([iso(tick.scheduledAt), iso(ctx.clock.now())]);
            return { success: true };
          },
        },
        {
          when: '0 12 * * 1-5',
          run(_ctx, tick) {
            noons.push(iso(tick.scheduledAt));
            return { success: true };
          },
        },
      ],
    });
    const host = createHost({ cache: { memory: true }, services: { logger: quiet() } });
    await host.load([plugin]);
    const bars = everyOtherSession(6);
    await host.replay(bars);
    const end =
      (bars.at(-1)?.time as number) + ((bars.at(-1)?.time as number) - (bars.at(-2)?.time as number));

    // One periodic run per bar (and one for the last bar's interval), at the latest due time ≤ it,
    // counting the due times it stands for.
    const boundaries = [...bars.map((b) => b.time), end];
    expect(interval.map((t) => t.scheduledAt)).toEqual(
      boundaries.map((t) => Math.floor(t / 30_000) * 30_000),
    );
    expect(interval[0]?.coalesced).toBe(0);
    for (let i = 1; i < interval.length; i++) {
      const gap = (interval[i]?.scheduledAt as number) - (interval[i - 1]?.scheduledAt as number);
      expect(interval[i]?.coalesced).toBe(gap / 30_000 - 1);
    }
    expect(host.runs({ job: 'every 30s' }).map((r) => r.coalesced)).toEqual(interval.map((t) => t.coalesced));

    // Every session between the first bar and the end of data closes once, with or without a bar,
    // and the job's clock reads its own close, not the next bar's time.
    const expectedCloses: string[] = [];
    for (let c = nyse.nextClose(bars[0]?.time as number); c <= end; c = nyse.nextClose(c)) {
      expectedCloses.push(iso(c));
    }
    expect(expectedCloses.length).toBeGreaterThan(bars.length);
    expect(closes).toEqual(expectedCloses.map((c) => [c, c]));
    expect(closes.map(([c]) => c)).not.toContain('2024-07-04T20:00:00.000Z');
    // Cron: 12:00 New York on every weekday in the span, holiday included (cron knows no sessions).
    const weekdayNoons: string[] = [];
    for (let day = Date.parse('2024-07-01T16:00:00Z'); day <= end; day += 86_400_000) {
      const weekday = new Date(day).getUTCDay();
      if (weekday !== 0 && weekday !== 6 && day >= (bars[0]?.time as number)) weekdayNoons.push(iso(day));
    }
    expect(noons).toEqual(weekdayNoons);
    expect(noons).toContain('2024-07-04T16:00:00.000Z');
    expect(noons.length).toBeGreaterThan(bars.length);
    await host.dispose();
  });

  it('over intraday bars finer than the interval, `every 5m` still runs at each of its due times', async () => {
    const seen: ScheduleTick[] = [];
    const host = createHost({ cache: { memory: true }, services: { logger: quiet() } });
    await host.load([
      definePlugin({
        id: 'five',
        name: 'five',
        version: '1.0.0',
        category: 'diag',
        schedule: [
          {
            when: 'every 5m',
            run(_ctx, tick) {
              seen.push(tick);
              return { success: true };
            },
          },
        ],
      }),
    ]);
    const open = Date.parse('2024-07-02T13:30:00Z');
    const bars: Bar[] = Array.from({ length: 30 }, (_, i) => ({
      time: open + i * 60_000,
      open: 1,
      high: 1,
      low: 1,
      close: 1,
      volume: 1,
    }));
    await host.replay(bars);
    expect(seen.map((t) => (t.scheduledAt - open) / 60_000)).toEqual([0, 5, 10, 15, 20, 25, 30]);
    expect(seen.every((t) => t.coalesced === 0)).toBe(true);
    await host.dispose();
  });
});
