import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DurationHistogram } from './duration-histogram.js';

describe('DurationHistogram', () => {
  it('is empty until recorded and tracks the exact max', () => {
    const h = new DurationHistogram();
    expect(h.summary()).toEqual({ samples: 0, p50: 0, p95: 0, p99: 0, max: 0 });
    h.record(0.002);
    h.record(5);
    h.record(Number.NaN);
    expect(h.count).toBe(2);
    expect(h.summary().max).toBe(5);
  });

  it('returns quantiles within one bucket (19%) above the true value (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 10_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (xs) => {
          const h = new DurationHistogram();
          for (const x of xs) h.record(x);
          const sorted = [...xs].sort((a, b) => a - b);
          for (const q of [0.5, 0.95, 0.99]) {
            const exact = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
            const approx = h.quantile(q);
            expect(approx).toBeGreaterThanOrEqual(exact * 0.999999);
            expect(approx).toBeLessThanOrEqual(Math.max(exact * 1.19, 0.000125 * 1.0001));
          }
        },
      ),
    );
  });
});
