/** The statistical models, computed in-process. `ewma` is the default. */
export const MODEL_NAMES = ['ewma', 'garch', 'bootstrap'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Every model the plugin can serve: the statistical ones and `chronos` (an ONNX file the user supplies). */
export const CONE_MODEL_NAMES = [...MODEL_NAMES, 'chronos'] as const;
export type ConeModelName = (typeof CONE_MODEL_NAMES)[number];

/**
 * What a model says about the cumulative log return from the origin close over steps 1..horizon
 * (index `k - 1` holds step `k`). `center`/`scale` are the location and spread the conformal
 * recalibration standardizes by; `q10`/`q50`/`q90` the model's own quantiles. Plain arrays, so a
 * forecast is JSON and can be cached as it is.
 */
export interface ModelForecast {
  readonly model: ConeModelName;
  readonly horizon: number;
  readonly center: number[];
  readonly scale: number[];
  readonly q10: number[];
  readonly q50: number[];
  readonly q90: number[];
}

/** A cone in price levels for steps 1..horizon. */
export interface PriceCone {
  readonly p10: number[];
  readonly p50: number[];
  readonly p90: number[];
}

/** A normal forecast of the cumulative log return: zero center, `sqrt(cumVar[k])` spread per step. */
export function normalForecast(
  model: ConeModelName,
  cumulativeVariance: ArrayLike<number>,
  horizon: number,
  z10: number,
  z90: number,
): ModelForecast {
  const center: number[] = new Array(horizon);
  const scale: number[] = new Array(horizon);
  const q10: number[] = new Array(horizon);
  const q50: number[] = new Array(horizon);
  const q90: number[] = new Array(horizon);
  for (let k = 0; k < horizon; k++) {
    const s = Math.sqrt(cumulativeVariance[k]!);
    center[k] = 0;
    scale[k] = s;
    q10[k] = z10 * s;
    q50[k] = 0;
    q90[k] = z90 * s;
  }
  return { model, horizon, center, scale, q10, q50, q90 };
}

/** The model's own (uncalibrated) cone in prices: `last · exp(q)`. */
export function toPriceCone(last: number, f: ModelForecast): PriceCone {
  return {
    p10: f.q10.map((q) => last * Math.exp(q)),
    p50: f.q50.map((q) => last * Math.exp(q)),
    p90: f.q90.map((q) => last * Math.exp(q)),
  };
}

/** Type-7 (linear interpolation) quantile of an ascending array, as R's and NumPy's default. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo]!;
  return a + (h - lo) * (sorted[hi]! - a);
}

/**
 * The same type-7 quantile as {@link quantileSorted}, of an unsorted array, by quickselect in
 * O(n) instead of a full sort. Reorders `values` in place (it stays a permutation), so several
 * quantiles can be read from one array one after another.
 */
export function quantileSelect(values: Float64Array, p: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const a = select(values, lo);
  if (lo + 1 >= n || h === lo) return a;
  // After selecting rank lo, everything right of it is ≥ it; the next order statistic is their minimum.
  let b = Number.POSITIVE_INFINITY;
  for (let i = lo + 1; i < n; i++) if (values[i]! < b) b = values[i]!;
  return a + (h - lo) * (b - a);
}

/** Hoare's quickselect (median-of-three pivot): the value of rank `k`, with `values` partitioned around it. */
function select(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    // Median of three as the pivot keeps sorted or reversed input linear.
    const x = values[left]!;
    const y = values[mid]!;
    const z = values[right]!;
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return values[k]!;
  }
  return values[k]!;
}
