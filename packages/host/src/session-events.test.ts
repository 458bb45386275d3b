import { createNyseCalendar } from '@keel/calendar';
import { type Bar, type BusEvent, definePlugin, type JsonValue } from '@keel/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHost, type HostOptions } from './host.js';
import { createLogger } from './logger.js';
import { createManualClock } from './services/manual-clock.js';
import { SessionEvents } from './session-events.js';

const MIN = 60_000;
const nyse = createNyseCalendar();
const quiet = (options: HostOptions = {}) =>
  createHost({
    cache: { memory: true },
    services: { logger: createLogger({ level: 'silent' }) },
    ...options,
  });

function bar(time: number): Bar {
  return { time, open: 1, high: 1, low: 1, close: 1, volume: 1 };
}

/** The last `n` bars of one session and the first `m` of the next, 5 minutes apart. */
function boundaryBars(dayOne: string, dayTwo: string, n: number, m: number): Bar[] {
  const one = nyse.sessionOn(dayOne);
  const two = nyse.sessionOn(dayTwo);
  if (one === null || two === null) throw new Error('no session');
  const bars: Bar[] = [];
  for (let i = n; i >= 1; i--) bars.push(bar(one.close - i * 5 * MIN));
  for (let i = 0; i < m; i++) bars.push(bar(two.open + i * 5 * MIN));
  return bars;
}

function label(event: BusEvent): string {
  const iso = new Date(event.time).toISOString().slice(5, 16);
  return `${event.type}@${iso}`;
}

describe('market_open / market_close / bar events in a replay', () => {
  it('come in time order across a session boundary (a Friday close, a Monday open), each stamped with its instant', async () => {
    const host = quiet({ market: { barEvents: true } });
    const events: BusEvent[] = [];
    host.bus.on('*', (event) => {
      events.push(event);
    });
    // Fri 2024-03-08 15:50, 15:55; Mon 2024-03-11 09:30, 09:35 (EDT begins on the 10th).
    await host.replay(boundaryBars('2024-03-08', '2024-03-11', 2, 2));
    await host.idle();
    expect(events.map(label)).toEqual([
      'bar@03-08T20:50',
      'bar@03-08T20:55',
      'market_close@03-08T21:00',
      'market_open@03-11T13:30',
      'bar@03-11T13:30',
      'bar@03-11T13:35',
    ]);
    expect(events.every((e) => e.source === 'host')).toBe(true);
    const open = events.find((e) => e.type === 'market_open');
    expect(open?.data).toEqual({
      session: '2024-03-11',
      open: Date.UTC(2024, 2, 11, 13, 30),
      close: Date.UTC(2024, 2, 11, 20, 0),
      earlyClose: false,
    });
    await host.dispose();
  });

  it('order events and jobs the same way when jobs are loaded; on:market_open runs see nothing after the open', async () => {
    const host = quiet({ market: { barEvents: true } });
    const seen: string[] = [];
    host.bus.on('*', (event) => {
      seen.push(label(event));
    });
    await host.load([
      definePlugin({
        id: 'opener',
        name: 'o',
        version: '1.0.0',
        category: 'risk',
        schedule: [
          {
            when: 'on:market_open',
            run(ctx, tick) {
              const read = ctx.market.bars(100);
              const newest = read.time[read.length - 1] as number;
              seen.push(
                `job:open@${new Date(tick.scheduledAt).toISOString().slice(5, 16)} newest ${new Date(newest).toISOString().slice(11, 16)}`,
              );
              return { success: true };
            },
          },
          {
            when: '@close',
            run(ctx, tick) {
              seen.push(
                `job:@close@${new Date(tick.scheduledAt).toISOString().slice(5, 16)} clock ${ctx.clock.now() === tick.scheduledAt}`,
              );
              return { success: true };
            },
          },
        ],
      }),
    ]);
    await host.replay(boundaryBars('2024-03-08', '2024-03-11', 2, 2));
    await host.idle();
    expect(seen).toEqual([
      'bar@03-08T20:50',
      'bar@03-08T20:55',
      'market_close@03-08T21:00',
      'job:@close@03-08T21:00 clock true',
      'market_open@03-11T13:30',
      'job:open@03-11T13:30 newest 20:55',
      'bar@03-11T13:30',
      'bar@03-11T13:35',
    ]);
    await host.dispose();
  });

  it('publishes the final session close when the data ends at it, and nothing before the data begins', async () => {
    const host = quiet();
    const types: string[] = [];
    host.bus.on('*', (event) => {
      types.push(label(event));
    });
    const session = nyse.sessionOn('2024-07-03');
    if (session === null) throw new Error('no session');
    // An early close (13:00 EDT): bars from 12:50 to 12:55, data starts mid-session.
    await host.replay([bar(session.close - 10 * MIN), bar(session.close - 5 * MIN)]);
    await host.idle();
    expect(types).toEqual(['market_close@07-03T17:00']);
    await host.dispose();
  });

  it('caps one crossing at 64 instants (a far-future bar), publishing the newest', () => {
    const published: string[] = [];
    const moved: number[] = [];
    const events = new SessionEvents({
      calendar: nyse,
      publish: (type, data: JsonValue) => published.push(`${type}:${(data as { session: string }).session}`),
      moveTo: (t) => moved.push(t),
    });
    events.cross(Date.UTC(2024, 0, 2, 15));
    events.cross(Date.UTC(2030, 0, 2, 15));
    expect(published).toHaveLength(64);
    expect(published.at(-1)).toBe('market_open:2030-01-02');
    const between = nyse.sessionsBetween('2024-01-03', '2030-01-01').length;
    expect(events.skipped).toBe(1 + 2 * between + 1 - 64);
    expect(moved).toEqual([...moved].sort((a, b) => a - b));
  });
});

describe('market events in live mode', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('follow the live clock after host.start(), and stop with host.stop()', async () => {
    vi.useFakeTimers();
    const session = nyse.sessionOn('2024-03-11');
    if (session === null) throw new Error('no session');
    const clock = createManualClock(session.open - 10 * MIN);
    const host = quiet({ clock });
    const seen: string[] = [];
    host.bus.on('*', (event) => {
      seen.push(label(event));
    });
    host.start();
    // The timer waits for the open (at most a minute at a time); the clock is what decides.
    for (let i = 0; i < 12; i++) {
      clock.advance(MIN);
      await vi.advanceTimersByTimeAsync(MIN);
    }
    expect(seen).toEqual(['market_open@03-11T13:30']);
    host.stop();
    clock.set(session.close + MIN);
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(seen).toEqual(['market_open@03-11T13:30']);
    await host.dispose();
  });
});
