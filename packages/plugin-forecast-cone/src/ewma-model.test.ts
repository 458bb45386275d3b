import { describe, expect, it } from 'vitest';
import { ForecastError } from './errors.js';
import { ewmaForecast, ewmaVariance } from './ewma-model.js';

describe('ewmaVariance', () => {
  it('follows the closed form λʲ·a² + (1 − λʲ)·c² on a series that switches from return a to c', () => {
    const a = 0.03;
    const c = 0.005;
    const seed = 10;
    for (const lambda of [0.5, 0.9, 0.94, 0.99]) {
      for (const j of [0, 1, 7, 60, 400]) {
        const returns = [...Array(seed).fill(a), ...Array(j).fill(c)];
        const closed = lambda ** j * a * a + (1 - lambda ** j) * c * c;
        expect(ewmaVariance(returns, { lambda, seedReturns: seed })).toBeCloseTo(closed, 15);
      }
    }
  });

  it('stays at c² on a constant-return series whatever λ', () => {
    for (const lambda of [0.1, 0.94, 0.999]) {
      const v = ewmaVariance(Array(250).fill(-0.002), { lambda, seedReturns: 30 });
      expect(v).toBeCloseTo(0.002 ** 2, 16);
    }
  });

  it('matches a hand-computed example', () => {
    // s₀ = 0.01² = 1e-4; s₁ = ½·1e-4 + ½·(−0.02)² = 2.5e-4; s₂ = ½·2.5e-4 + ½·0.03² = 5.75e-4.
    expect(ewmaVariance([0.01, -0.02, 0.03], { lambda: 0.5, seedReturns: 1 })).toBeCloseTo(5.75e-4, 16);
    // Seeding with the mean square of the first two: s₀ = (1e-4 + 4e-4)/2 = 2.5e-4; s₁ = 5.75e-4.
    expect(ewmaVariance([0.01, -0.02, 0.03], { lambda: 0.5, seedReturns: 2 })).toBeCloseTo(5.75e-4, 16);
    // RiskMetrics λ: s₀ = 1e-4; s₁ = 0.94e-4 + 0.06·4e-4 = 1.18e-4; s₂ = 0.94·1.18e-4 + 0.06·9e-4 = 1.6492e-4.
    expect(ewmaVariance([0.01, -0.02, 0.03], { lambda: 0.94, seedReturns: 1 })).toBeCloseTo(1.6492e-4, 16);
  });
});

describe('ewmaForecast', () => {
  it('grows the spread with the square root of the step', () => {
    const f = ewmaForecast([0.01, -0.01, 0.02, -0.02], 9);
    for (let k = 1; k <= 9; k++) expect(f.scale[k - 1]! / f.scale[0]!).toBeCloseTo(Math.sqrt(k), 12);
  });

  it('refuses a series that never moves', () => {
    expect(() => ewmaForecast(new Float64Array(40), 5)).toThrowError(
      expect.objectContaining({ code: 'FORECAST_DEGENERATE_SERIES', field: 'closes' }),
    );
    expect(() => ewmaForecast(new Float64Array(40), 5)).toThrow(ForecastError);
  });
});
