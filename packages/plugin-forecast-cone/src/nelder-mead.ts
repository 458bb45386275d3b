export interface NelderMeadOptions {
  /** Initial simplex edge along each axis (default 0.5). */
  readonly step?: number;
  /** Stop when the simplex's function values span less than this (default 1e-9). */
  readonly tolerance?: number;
  /** Iteration cap (default 500). */
  readonly maxIterations?: number;
}

export interface NelderMeadResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Minimizes `f` with the Nelder–Mead downhill simplex (standard coefficients: reflection 1,
 * expansion 2, contraction ½, shrink ½). Derivative-free, so it suits a likelihood whose
 * gradient we would rather not derive by hand; non-finite values count as +∞ (an infeasible point).
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  start: ArrayLike<number>,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const n = start.length;
  const step = options.step ?? 0.5;
  const tolerance = options.tolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 500;
  const value = (x: Float64Array) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };

  const points: Float64Array[] = [];
  const values = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    const p = Float64Array.from(start);
    if (i > 0) p[i - 1]! += step;
    points.push(p);
    values[i] = value(p);
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const trial = (from: Float64Array, coefficient: number) => {
    // centroid + coefficient · (centroid − from)
    const x = new Float64Array(n);
    for (let j = 0; j < n; j++) x[j] = centroid[j]! + coefficient * (centroid[j]! - from[j]!);
    return x;
  };

  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    order.sort((a, b) => values[a]! - values[b]!);
    const best = order[0]!;
    const worst = order[n]!;
    const second = order[n - 1]!;
    if (Math.abs(values[worst]! - values[best]!) <= tolerance * (Math.abs(values[best]!) + tolerance)) {
      converged = true;
      break;
    }
    centroid.fill(0);
    for (let i = 0; i < n; i++) {
      const p = points[order[i]!]!;
      for (let j = 0; j < n; j++) centroid[j]! += p[j]! / n;
    }
    const reflected = trial(points[worst]!, 1);
    const fr = value(reflected);
    if (fr < values[best]!) {
      const expanded = trial(points[worst]!, 2);
      const fe = value(expanded);
      if (fe < fr) replace(worst, expanded, fe);
      else replace(worst, reflected, fr);
      continue;
    }
    if (fr < values[second]!) {
      replace(worst, reflected, fr);
      continue;
    }
    // Contract: outside when the reflection improved on the worst point, inside otherwise.
    const outside = fr < values[worst]!;
    const contracted = trial(points[worst]!, outside ? 0.5 : -0.5);
    const fc = value(contracted);
    if (fc < (outside ? fr : values[worst]!)) {
      replace(worst, contracted, fc);
      continue;
    }
    const b = points[best]!;
    for (let i = 0; i <= n; i++) {
      if (i === best) continue;
      const p = points[i]!;
      for (let j = 0; j < n; j++) p[j] = b[j]! + 0.5 * (p[j]! - b[j]!);
      values[i] = value(p);
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[bestIndex]!) bestIndex = i;
  return { x: points[bestIndex]!, value: values[bestIndex]!, iterations, converged };

  function replace(i: number, x: Float64Array, v: number) {
    points[i] = x;
    values[i] = v;
  }
}
