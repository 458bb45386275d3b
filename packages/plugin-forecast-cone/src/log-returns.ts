/**
 * Log returns of `closes[from..to)`: `out[i] = ln(closes[from+i+1] / closes[from+i])`, so
 * `to - from` closes give `to - from - 1` returns. Writes into `out` when given (no allocation on
 * the per-bar path) and returns the filled view.
 */
export function logReturns(
  closes: ArrayLike<number>,
  from = 0,
  to = closes.length,
  out?: Float64Array,
): Float64Array {
  const n = Math.max(0, to - from - 1);
  const target = out !== undefined && out.length >= n ? out.subarray(0, n) : new Float64Array(n);
  for (let i = 0; i < n; i++) target[i] = Math.log(closes[from + i + 1]! / closes[from + i]!);
  return target;
}
