import type { Bar } from '@keel/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuxPoint, joinAux } from './join-aux.js';

const DAY = 86_400_000;

function bar(time: number, close = 100): Bar {
  return { time, open: close, high: close, low: close, close, volume: 0 };
}

async function collect(iterable: AsyncIterable<Bar>): Promise<Bar[]> {
  const out: Bar[] = [];
  for await (const b of iterable) out.push(b);
  return out;
}

describe('joinAux', () => {
  it('joins the last value at or before each bar, omits and counts stale and missing ones', async () => {
    const spy = [1, 2, 3, 4, 10, 11].map((d) => bar(d * DAY));
    const vix: AuxPoint[] = [
      { time: 2 * DAY, value: 15 },
      { time: 3 * DAY + 1, value: 16 },
      { time: 4 * DAY, value: 17 },
    ];
    const qqq = [bar(1 * DAY, 50), bar(11 * DAY, 51)];
    const join = joinAux(spy, { vix, qqq }, { policy: 'last', maxStalenessMs: 3 * DAY });
    const out = await collect(join);
    expect(out.map((b) => b.aux)).toEqual([
      { qqq: 50 },
      { vix: 15, qqq: 50 },
      { vix: 15, qqq: 50 },
      { vix: 17, qqq: 50 },
      undefined,
      { qqq: 51 },
    ]);
    expect(join.stats()).toEqual({
      bars: 6,
      joined: { vix: 3, qqq: 5 },
      stale: { vix: 2, qqq: 1 },
      missing: { vix: 1, qqq: 0 },
      skipped: { vix: 0, qqq: 0 },
    });
    expect(out[4]).toBe(spy[4]);
    expect(Object.isFrozen(out[1])).toBe(true);
  });

  it('a delay keeps a daily close out of the intraday bars of its own day', async () => {
    const intraday = [bar(Date.UTC(2024, 2, 11, 13, 30)), bar(Date.UTC(2024, 2, 12, 13, 30))];
    const vixDaily = [bar(Date.UTC(2024, 2, 11), 14), bar(Date.UTC(2024, 2, 12), 15)];
    const naive = await collect(
      joinAux(intraday, { vix: vixDaily }, { policy: 'last', maxStalenessMs: 4 * DAY }),
    );
    expect(naive.map((b) => b.aux?.vix)).toEqual([14, 15]);
    const honest = await collect(
      joinAux(
        intraday,
        { vix: { source: vixDaily, delayMs: DAY } },
        { policy: 'last', maxStalenessMs: 4 * DAY },
      ),
    );
    expect(honest.map((b) => b.aux?.vix)).toEqual([undefined, 14]);
  });

  it('skips and counts series points out of order or not finite; keeps existing aux keys', async () => {
    const points = [
      { time: 1, value: 1 },
      { time: 1, value: 9 },
      { time: 3, value: Number.NaN },
      { time: 2, value: 2 },
    ];
    const join = joinAux(
      [{ ...bar(5), aux: { wap: 7, vix: 0 } }],
      { vix: points },
      { policy: 'last', maxStalenessMs: 100 },
    );
    const [only] = await collect(join);
    expect(only?.aux).toEqual({ wap: 7, vix: 2 });
    expect(join.stats().skipped).toEqual({ vix: 2 });
  });

  it('validates its options with a message naming the field', () => {
    expect(() => joinAux([], {}, { policy: 'next' as 'last', maxStalenessMs: 1 })).toThrow(
      /joinAux\.options\.policy/,
    );
    expect(() => joinAux([], {}, { policy: 'last', maxStalenessMs: -1 })).toThrow(/maxStalenessMs/);
    expect(() => joinAux([], { 'v ix': [] }, { policy: 'last', maxStalenessMs: 1 })).toThrow(
      /"v ix" is not a name/,
    );
  });

  it('matches a brute-force as-of join on random series (property)', async () => {
    const times = fc
      .uniqueArray(fc.integer({ min: 0, max: 1_000 }), { maxLength: 40 })
      .map((a) => a.sort((x, y) => x - y));
    await fc.assert(
      fc.asyncProperty(
        times,
        times,
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 50 }),
        async (barTimes, auxTimes, staleness, delay) => {
          const aux = auxTimes.map((t, i) => ({ time: t, value: i + 0.5 }));
          const out = await collect(
            joinAux(
              barTimes.map((t) => bar(t)),
              { x: aux },
              { policy: 'last', maxStalenessMs: staleness, delayMs: delay },
            ),
          );
          const expected = barTimes.map((t) => {
            const known = aux.filter((p) => p.time + delay <= t);
            const last = known[known.length - 1];
            return last !== undefined && t - last.time <= staleness ? last.value : undefined;
          });
          expect(out.map((b) => b.aux?.x)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
