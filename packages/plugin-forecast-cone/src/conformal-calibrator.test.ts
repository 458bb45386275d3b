import { describe, expect, it } from 'vitest';
import { createConeCalibrator, DEFAULT_CALIBRATION, type LogBands } from './conformal-calibrator.js';
import { normalForecast } from './model-forecast.js';
import { normalQuantile } from './normal-quantile.js';
import { createRng } from './prng.js';

/** Log prices of a random walk whose daily σ jumps from 1% to 3% at `breakAt`. */
function brokenWalk(n: number, breakAt: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const z = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const out = new Float64Array(n);
  for (let i = 1; i < n; i++) out[i] = out[i - 1]! + (i < breakAt ? 0.01 : 0.03) * z();
  return out;
}

/** A model that never learns the break: σ stays at 1% per step. */
const stale = (horizon: number) =>
  normalForecast(
    'ewma',
    Float64Array.from({ length: horizon }, (_, k) => (k + 1) * 1e-4),
    horizon,
    normalQuantile(0.1),
    normalQuantile(0.9),
  );

function run(logPrices: Float64Array, horizon: number, enabled: boolean) {
  const cal = createConeCalibrator(horizon, { ...DEFAULT_CALIBRATION, enabled });
  const issued: LogBands[] = [];
  for (let t = 0; t < logPrices.length; t++) {
    cal.realize(t, logPrices[t]!);
    issued.push(cal.issue(t, logPrices[t]!, stale(horizon)));
  }
  return { cal, issued };
}

/** Coverage of step k computed from the issued bands and the outcomes (not from the calibrator). */
function coverage(logPrices: Float64Array, issued: LogBands[], k: number, from: number, to: number): number {
  let inside = 0;
  let n = 0;
  for (let t = from; t < to && t + k < logPrices.length; t++) {
    const y = logPrices[t + k]! - logPrices[t]!;
    const b = issued[t]!;
    if (y >= b.lo[k - 1]! && y <= b.hi[k - 1]!) inside++;
    n++;
  }
  return inside / n;
}

describe('createConeCalibrator', () => {
  const n = 3000;
  const breakAt = 1500;
  const prices = brokenWalk(n, breakAt, 5);

  it('keeps coverage honest after a volatility break the model does not see', () => {
    const raw = run(prices, 5, false);
    const cal = run(prices, 5, true);
    for (const k of [1, 5]) {
      // Before the break the stale model is right; after it, its 80% band covers about a third.
      expect(coverage(prices, raw.issued, k, 300, breakAt - k)).toBeCloseTo(0.8, 1);
      expect(coverage(prices, raw.issued, k, breakAt + 300, n)).toBeLessThan(0.45);
      // Recalibrated: the band widens within a few hundred bars and coverage returns to target.
      expect(Math.abs(coverage(prices, cal.issued, k, breakAt + 300, n) - 0.8)).toBeLessThan(0.05);
      expect(Math.abs(coverage(prices, cal.issued, k, 0, n) - 0.8)).toBeLessThan(0.04);
      // The calibrator's own tally agrees with the independent count over the whole run.
      const s = cal.cal.score(k);
      expect(s.coverage).toBeCloseTo(coverage(prices, cal.issued, k, 0, n), 10);
      expect(s.coverageRaw).toBeCloseTo(coverage(prices, raw.issued, k, 0, n), 10);
      expect(s.pinball).toBeLessThan(s.pinballRaw);
    }
  });

  it('is deterministic under replay and after reset', () => {
    const a = run(prices, 5, true);
    const b = run(prices, 5, true);
    expect(b.issued).toEqual(a.issued);
    a.cal.reset();
    const again: LogBands[] = [];
    for (let t = 0; t < n; t++) {
      a.cal.realize(t, prices[t]!);
      again.push(a.cal.issue(t, prices[t]!, stale(5)));
    }
    expect(again).toEqual(a.issued);
  });

  it('scores each step k bars after its origin only, and leaves bands raw when disabled', () => {
    const cal = createConeCalibrator(3, { ...DEFAULT_CALIBRATION, enabled: false });
    const f = stale(3);
    expect(cal.issue(0, 0, f)).toEqual({ lo: f.q10, mid: f.q50, hi: f.q90 });
    cal.realize(1, 0.001);
    expect([cal.score(1).scored, cal.score(2).scored, cal.score(3).scored]).toEqual([1, 0, 0]);
    cal.realize(2, 0.5); // far outside the step-2 band
    cal.realize(3, 0);
    expect(cal.score(2)).toMatchObject({ scored: 1, coverage: 0, coverageRaw: 0 });
    expect(cal.score(3)).toMatchObject({ scored: 1, coverage: 1 });
    expect(cal.score(2).alpha).toBeCloseTo(0.2 - 0.005 * 0.8, 12);
  });
});
