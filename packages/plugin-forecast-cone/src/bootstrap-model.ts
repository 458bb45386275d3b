import { degenerate } from './ewma-model.js';
import { type ModelForecast, quantileSelect } from './model-forecast.js';
import { createRng } from './prng.js';

export interface BootstrapOptions {
  /** Consecutive returns per resampled block (default 10: about two trading weeks of clustering). */
  readonly blockLength: number;
  /** Simulated paths (default 500). */
  readonly paths: number;
  /** PRNG seed: the same seed and input give the same cone. */
  readonly seed: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { blockLength: 10, paths: 500, seed: 1 };

/**
 * Fills `out` with one moving-block-bootstrap path: blocks of `blockLength` consecutive returns,
 * each starting at a uniform index in `[0, n − blockLength]`, concatenated and cut to `out.length`.
 * Keeping runs of real returns together preserves volatility clustering within a block.
 */
export function bootstrapPath(
  returns: ArrayLike<number>,
  blockLength: number,
  rng: () => number,
  out: Float64Array,
): Float64Array {
  const n = returns.length;
  const b = Math.min(blockLength, n);
  const starts = n - b + 1;
  let i = 0;
  while (i < out.length) {
    const start = Math.floor(rng() * starts);
    for (let j = 0; j < b && i < out.length; j++, i++) out[i] = returns[start + j]!;
  }
  return out;
}

/**
 * Block-bootstrap cone: `paths` resampled paths of `horizon` returns; per step, the empirical
 * quantiles of the cumulative log return (type 7), the median as center and the standard
 * deviation as scale. Deterministic for a given seed.
 */
export function bootstrapForecast(
  returns: ArrayLike<number>,
  horizon: number,
  options: BootstrapOptions = DEFAULT_BOOTSTRAP,
): ModelForecast {
  let energy = 0;
  for (let i = 0; i < returns.length; i++) energy += returns[i]! * returns[i]!;
  if (!(energy > 0)) throw degenerate();
  const rng = createRng(options.seed);
  const paths = options.paths;
  // cumulative[k * paths + p]: step k+1 of path p, so each step's column is contiguous to sort.
  const cumulative = new Float64Array(horizon * paths);
  const path = new Float64Array(horizon);
  for (let p = 0; p < paths; p++) {
    bootstrapPath(returns, options.blockLength, rng, path);
    let sum = 0;
    for (let k = 0; k < horizon; k++) {
      sum += path[k]!;
      cumulative[k * paths + p] = sum;
    }
  }
  const center: number[] = new Array(horizon);
  const scale: number[] = new Array(horizon);
  const q10: number[] = new Array(horizon);
  const q50: number[] = new Array(horizon);
  const q90: number[] = new Array(horizon);
  for (let k = 0; k < horizon; k++) {
    const column = cumulative.subarray(k * paths, (k + 1) * paths);
    let mean = 0;
    for (let p = 0; p < paths; p++) mean += column[p]!;
    mean /= paths;
    let ss = 0;
    for (let p = 0; p < paths; p++) ss += (column[p]! - mean) ** 2;
    const median = quantileSelect(column, 0.5);
    center[k] = median;
    // A zero spread (every path identical) would break standardization; fall back to a tiny one.
    scale[k] = Math.sqrt(ss / Math.max(1, paths - 1)) || Number.EPSILON;
    q10[k] = quantileSelect(column, 0.1);
    q50[k] = median;
    q90[k] = quantileSelect(column, 0.9);
  }
  return { model: 'bootstrap', horizon, center, scale, q10, q50, q90 };
}
