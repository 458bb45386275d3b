import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fitGarch,
  garchCumulativeVariance,
  garchForecast,
  garchFromTheta,
  garchLogLikelihood,
  type GarchParams,
} from './garch-model.js';
import { nelderMead } from './nelder-mead.js';
import { createRng } from './prng.js';

/** Standard normals by Box–Muller from the seeded PRNG. */
function normals(seed: number) {
  const rng = createRng(seed);
  return () => {
    const u = 1 - rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
}

function simulateGarch(p: GarchParams, n: number, seed: number): Float64Array {
  const z = normals(seed);
  const out = new Float64Array(n);
  let s2 = p.omega / (1 - p.alpha - p.beta);
  for (let i = 0; i < 500 + n; i++) {
    const r = Math.sqrt(s2) * z();
    if (i >= 500) out[i - 500] = r; // 500 burn-in draws from the stationary start
    s2 = p.omega + p.alpha * r * r + p.beta * s2;
  }
  return out;
}

describe('garchLogLikelihood', () => {
  it('equals a direct evaluation: the log of the product of the normal densities', () => {
    const returns = [0.012, -0.004, 0.021, -0.017, 0.003, 0.009, -0.011];
    const p = { omega: 2e-6, alpha: 0.1, beta: 0.85 };
    // Written out from the definition: σ²₀ is the sample mean square, then the recursion by hand.
    const s2: number[] = [returns.reduce((a, r) => a + r * r, 0) / returns.length];
    for (let t = 1; t < returns.length; t++)
      s2.push(p.omega + p.alpha * returns[t - 1]! ** 2 + p.beta * s2[t - 1]!);
    let density = 1;
    for (let t = 0; t < returns.length; t++) {
      density *= Math.exp(-(returns[t]! ** 2) / (2 * s2[t]!)) / Math.sqrt(2 * Math.PI * s2[t]!);
    }
    expect(garchLogLikelihood(returns, p)).toBeCloseTo(Math.log(density), 10);
  });
});

describe('garchFromTheta', () => {
  it('maps every θ into the stationary region ω > 0, α ≥ 0, β ≥ 0, α + β < 1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (theta) => {
          const p = garchFromTheta(theta, 1e-4);
          expect(p.omega).toBeGreaterThan(0);
          expect(p.alpha).toBeGreaterThanOrEqual(0);
          expect(p.beta).toBeGreaterThanOrEqual(0);
          expect(p.alpha + p.beta).toBeLessThan(1);
        },
      ),
    );
  });
});

describe('fitGarch', () => {
  it('recovers known parameters from a simulated GARCH(1,1) path', () => {
    const truth = { omega: 2e-6, alpha: 0.08, beta: 0.9 };
    const returns = simulateGarch(truth, 4000, 7);
    const fit = fitGarch(returns);
    // Maximum-likelihood standard errors at n = 4000 are about 0.01 for α and α + β and 0.015 for β;
    // the bounds are about three of them (this path's MLE is α 0.084, β 0.882, a tight optimum).
    expect(Math.abs(fit.alpha - truth.alpha)).toBeLessThan(0.03);
    expect(Math.abs(fit.beta - truth.beta)).toBeLessThan(0.045);
    expect(Math.abs(fit.alpha + fit.beta - 0.98)).toBeLessThan(0.03);
    expect(fit.converged).toBe(true);
    const longRun = fit.omega / (1 - fit.alpha - fit.beta);
    expect(longRun / 1e-4).toBeGreaterThan(0.7);
    expect(longRun / 1e-4).toBeLessThan(1.4);
    // The optimum is at least as likely as the truth (it is the maximum of the same function).
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(garchLogLikelihood(returns, truth) - 1e-6);
  });

  it('finds no volatility clustering in i.i.d. normal returns', () => {
    const z = normals(3);
    const returns = Float64Array.from({ length: 3000 }, () => 0.01 * z());
    const fit = fitGarch(returns);
    expect(fit.alpha).toBeLessThan(0.05);
    // Whatever α, β split it picks, the implied long-run variance is the sample's.
    expect(fit.omega / (1 - fit.alpha - fit.beta) / 1e-4).toBeCloseTo(1, 1);
  });
});

describe('garchCumulativeVariance', () => {
  it('matches iterating E[σ²ₖ₊₁] = ω + (α + β)·E[σ²ₖ] step by step', () => {
    const p = { omega: 3e-6, alpha: 0.07, beta: 0.9 };
    const next = 4e-4;
    const closed = garchCumulativeVariance(next, p, 30);
    let e = next;
    let sum = 0;
    for (let k = 0; k < 30; k++) {
      sum += e;
      expect(closed[k]).toBeCloseTo(sum, 15);
      e = p.omega + (p.alpha + p.beta) * e;
    }
  });

  it('tends to k times the long-run variance far out', () => {
    const p = { omega: 1e-6, alpha: 0.05, beta: 0.9 };
    const v = garchCumulativeVariance(9e-4, p, 2000);
    const longRun = p.omega / (1 - p.alpha - p.beta);
    expect((v[1999]! - v[1998]!) / longRun).toBeCloseTo(1, 10);
  });

  it('feeds the cone: the step-k spread is the square root of the cumulative variance', () => {
    const returns = simulateGarch({ omega: 2e-6, alpha: 0.08, beta: 0.9 }, 300, 11);
    const p = { omega: 2e-6, alpha: 0.08, beta: 0.9 };
    const f = garchForecast(returns, p, 10);
    expect(f.scale[0]! ** 2).toBeGreaterThan(0);
    for (let k = 1; k < 10; k++) expect(f.scale[k]!).toBeGreaterThan(f.scale[k - 1]!);
  });
});

describe('nelderMead', () => {
  it('minimizes the Rosenbrock function to its known optimum (1, 1)', () => {
    const rosen = (x: Float64Array) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
    const r = nelderMead(rosen, [-1.2, 1], { maxIterations: 5000, tolerance: 1e-14 });
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
    expect(r.converged).toBe(true);
  });

  it('treats non-finite values as infeasible', () => {
    const f = (x: Float64Array) => (x[0]! < 0 ? Number.NaN : (x[0]! - 2) ** 2);
    expect(nelderMead(f, [0.5]).x[0]).toBeCloseTo(2, 4);
  });
});
