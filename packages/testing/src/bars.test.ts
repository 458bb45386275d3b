import { describe, expect, it } from 'vitest';
import { nyse } from '../test/nyse-calendar.js';
import { barsFrom } from './bars-from.js';
import { sessionBars } from './session-bars.js';

describe('barsFrom', () => {
  it('builds bars from OHLC(V) rows with generated times, or rows with their own time', () => {
    expect(
      barsFrom(
        [
          [1, 2, 0.5, 1.5],
          [1.5, 2, 1, 1, 7],
        ],
        { start: 0, intervalMs: 60_000, symbol: 'X' },
      ),
    ).toEqual([
      { time: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 1000, symbol: 'X' },
      { time: 60_000, open: 1.5, high: 2, low: 1, close: 1, volume: 7, symbol: 'X' },
    ]);
    expect(barsFrom([['2024-07-01T13:30:00Z', 1, 2, 0.5, 1.5, 10]])[0]?.time).toBe(
      Date.parse('2024-07-01T13:30:00Z'),
    );
  });

  it('refuses a bar that breaks OHLC, naming the row', () => {
    expect(() =>
      barsFrom([
        [1, 2, 0.5, 1.5],
        [1, 0.9, 0.5, 0.8],
      ]),
    ).toThrow(expect.objectContaining({ code: 'TESTING_INVALID_BAR', field: 'rows[1].high' }));
    expect(() => barsFrom([['yesterday', 1, 2, 0.5, 1.5, 1]])).toThrow(/rows\[0\]\[0\]: time "yesterday"/);
  });
});

describe('sessionBars', () => {
  it('covers NYSE sessions, with the early close and no bars on the holiday', () => {
    const bars = sessionBars({ calendar: nyse, dates: ['2024-07-03', '2024-07-04', '2024-07-05'] });
    expect(bars).toHaveLength(42 + 78);
    expect(new Date(bars[0]!.time).toISOString()).toBe('2024-07-03T13:30:00.000Z');
    expect(new Date(bars[41]!.time).toISOString()).toBe('2024-07-03T16:55:00.000Z');
    expect(new Date(bars[42]!.time).toISOString()).toBe('2024-07-05T13:30:00.000Z');
    expect(sessionBars({ calendar: nyse, sessions: { from: '2024-07-03', to: '2024-07-05' } })).toEqual(bars);
  });

  it('takes a shape and an interval, and needs dates or sessions', () => {
    const bars = sessionBars({
      calendar: nyse,
      dates: ['2024-07-01'],
      intervalMs: 3_600_000,
      shape: (i) => ({ open: i, high: i + 1, low: i, close: i + 1, volume: 1 }),
    });
    expect(bars.map((b) => b.close)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(() => sessionBars({ calendar: nyse })).toThrow(
      expect.objectContaining({ code: 'TESTING_INVALID_OPTION' }),
    );
  });
});
