import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ewmaForecast, ewmaVariance } from './ewma-model.js';
import { normalQuantile } from './normal-quantile.js';

// An independent Φ: Simpson's rule on the standard normal density from 0 to |x|, so the check
// below shares no formula with Acklam's rational approximation.
function normalCdf(x: number): number {
  const n = 4000;
  const a = Math.abs(x);
  const h = a / n;
  const pdf = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  let sum = pdf(0) + pdf(a);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * pdf(i * h);
  const half = (sum * h) / 3;
  return x >= 0 ? 0.5 + half : 0.5 - half;
}

function quantileByBisection(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 200 && hi - lo > 1e-13; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

describe('normalQuantile (Acklam)', () => {
  it('matches a bisection on an independently integrated Φ across the central and tail regions', () => {
    for (const p of [1e-6, 0.001, 0.01, 0.02425, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975, 0.999]) {
      expect(normalQuantile(p)).toBeCloseTo(quantileByBisection(p), 7);
    }
  });

  it('gives the published z values', () => {
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.5)).toBe(0);
  });

  // Below 1e-6, `1 - p` itself rounds off enough to move the upper quantile, so symmetry is checked above it.
  it('is antisymmetric and increasing, with infinities at 0 and 1 and NaN outside', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 0.5, noNaN: true }), (p) => {
        expect(normalQuantile(p)).toBeCloseTo(-normalQuantile(1 - p), 6);
        expect(normalQuantile(p)).toBeLessThanOrEqual(normalQuantile(Math.min(0.5, p * 1.01)));
      }),
    );
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(Number.NaN)).toBeNaN();
  });
});

describe('lognormal cone quantiles', () => {
  it('are last · exp(z_p · σ · √k) with z_p the normal quantile', () => {
    const returns = [0.01, -0.012, 0.004, 0.02, -0.007, 0.011, -0.003, 0.009, -0.015, 0.006];
    const f = ewmaForecast(returns, 5, { lambda: 0.94, seedReturns: 5 });
    const sigma = Math.sqrt(ewmaVariance(returns, { lambda: 0.94, seedReturns: 5 }));
    const z90 = quantileByBisection(0.9);
    for (let k = 1; k <= 5; k++) {
      const s = sigma * Math.sqrt(k);
      expect(f.scale[k - 1]).toBeCloseTo(s, 14);
      expect(f.q90[k - 1]).toBeCloseTo(z90 * s, 9);
      expect(f.q10[k - 1]).toBeCloseTo(-z90 * s, 9);
      expect(f.q50[k - 1]).toBe(0);
    }
  });
});
