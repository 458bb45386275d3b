import { describe, expect, it } from 'vitest';
import { bootstrapForecast, bootstrapPath } from './bootstrap-model.js';
import { createRng } from './prng.js';

// Distinct returns, so every value in a path says where in the source it came from.
const source = Float64Array.from({ length: 200 }, (_, i) => (i - 100) * 1e-4 + 1e-6);
const indexOf = (r: number) => Math.round((r - 1e-6) / 1e-4) + 100;

describe('bootstrapPath', () => {
  it('is made of blocks of consecutive source returns, each starting anywhere in range', () => {
    for (const blockLength of [1, 5, 10, 37]) {
      const rng = createRng(42);
      const path = bootstrapPath(source, blockLength, rng, new Float64Array(300));
      const starts = new Set<number>();
      for (let b = 0; b < path.length; b += blockLength) {
        const first = indexOf(path[b]!);
        starts.add(first);
        expect(first).toBeGreaterThanOrEqual(0);
        expect(first).toBeLessThanOrEqual(source.length - blockLength);
        for (let j = 1; j < blockLength && b + j < path.length; j++) {
          expect(indexOf(path[b + j]!)).toBe(first + j);
        }
      }
      // Blocks are drawn afresh: many different starts, not one block repeated.
      expect(starts.size).toBeGreaterThan(Math.min(10, Math.ceil(300 / blockLength) / 2));
    }
  });

  it('uses the whole series as one block when the block is longer than the series', () => {
    const path = bootstrapPath([0.1, 0.2, 0.3], 10, createRng(1), new Float64Array(7));
    expect([...path]).toEqual([0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1]);
  });
});

describe('bootstrapForecast', () => {
  const returns = Float64Array.from(createRngSeries(600));

  it('is deterministic for a seed and changes with the seed', () => {
    const a = bootstrapForecast(returns, 20, { blockLength: 10, paths: 400, seed: 5 });
    const b = bootstrapForecast(returns, 20, { blockLength: 10, paths: 400, seed: 5 });
    const c = bootstrapForecast(returns, 20, { blockLength: 10, paths: 400, seed: 6 });
    expect(b).toEqual(a);
    expect(c.q90).not.toEqual(a.q90);
  });

  it('gives ordered quantiles whose spread grows with the step', () => {
    const f = bootstrapForecast(returns, 20, { blockLength: 10, paths: 1000, seed: 1 });
    for (let k = 0; k < 20; k++) {
      expect(f.q10[k]!).toBeLessThan(f.q50[k]!);
      expect(f.q50[k]!).toBeLessThan(f.q90[k]!);
      expect(f.center[k]).toBe(f.q50[k]);
    }
    expect(f.q90[19]! - f.q10[19]!).toBeGreaterThan(3 * (f.q90[0]! - f.q10[0]!));
  });

  it('reproduces the one-step distribution of the source: its p10/p90 match the sample quantiles', () => {
    const f = bootstrapForecast(returns, 1, { blockLength: 1, paths: 20_000, seed: 9 });
    const sorted = [...returns].sort((x, y) => x - y);
    const at = (p: number) => sorted[Math.round(p * (sorted.length - 1))]!;
    const tolerance = 0.15 * (at(0.9) - at(0.1));
    expect(Math.abs(f.q10[0]! - at(0.1))).toBeLessThan(tolerance);
    expect(Math.abs(f.q90[0]! - at(0.9))).toBeLessThan(tolerance);
  });
});

function* createRngSeries(n: number): Generator<number> {
  const rng = createRng(77);
  for (let i = 0; i < n; i++) yield (rng() - 0.5) * 0.04;
}
