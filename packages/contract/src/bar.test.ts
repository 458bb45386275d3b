import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Bar, BarSchema, validateBar } from './bar.js';

const good: Bar = {
  time: 1_710_163_800_000,
  open: 510.48,
  high: 510.94,
  low: 510.19,
  close: 510.22,
  volume: 1_907_620,
};

describe('validateBar', () => {
  it('accepts a real SPY 5-minute bar, with symbol and aux', () => {
    expect(validateBar(good)).toEqual({ ok: true });
    expect(validateBar({ ...good, symbol: 'SPY', aux: { vix: 14.3 } })).toEqual({ ok: true });
    expect(validateBar({ ...good, open: 5, high: 5, low: 5, close: 5, volume: 0 })).toEqual({ ok: true });
  });

  it.each([
    [{ close: Number.NaN }, 'non_finite', 'close'],
    [{ high: Number.POSITIVE_INFINITY }, 'non_finite', 'high'],
    [{ volume: Number.NaN }, 'non_finite', 'volume'],
    [{ open: '510' }, 'non_finite', 'open'],
    [{ volume: -1 }, 'negative_volume', 'volume'],
    [{ low: 510.3 }, 'ohlc_inconsistent', 'low'],
    [{ high: 510.4 }, 'ohlc_inconsistent', 'high'],
    [{ time: 1.5 }, 'bad_time', 'time'],
    [{ time: -1 }, 'bad_time', 'time'],
    [{ time: Number.NaN }, 'bad_time', 'time'],
    [{ aux: { vix: Number.NaN } }, 'non_finite', 'aux.vix'],
  ])('rejects %o as %s on %s', (patch, reason, field) => {
    const result = validateBar({ ...good, ...patch } as Bar);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(reason);
    expect(result.field).toBe(field);
    expect(result.message).toContain(field);
  });

  it('property: agrees with BarSchema on arbitrary bars', () => {
    const num = fc.oneof(
      fc.double({ min: -10, max: 1000 }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY),
    );
    fc.assert(
      fc.property(
        fc.record({
          time: fc.oneof(fc.nat(), fc.constant(-5)),
          open: num,
          high: num,
          low: num,
          close: num,
          volume: num,
        }),
        (bar) => {
          expect(validateBar(bar).ok).toBe(BarSchema.safeParse(bar).success);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: every bar built from consistent prices is accepted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 1e6, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.nat(),
        (prices, volume, time) => {
          const [a, b, c, d] = prices as [number, number, number, number];
          const bar = {
            time,
            open: b,
            close: c,
            high: Math.max(a, b, c, d),
            low: Math.min(a, b, c, d),
            volume,
          };
          expect(validateBar(bar)).toEqual({ ok: true });
        },
      ),
    );
  });
});
