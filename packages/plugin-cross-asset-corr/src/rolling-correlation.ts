import { getCorrelation } from 'trading-signals';

/**
 * Pearson correlation of the log returns of two price columns over the return positions
 * `[from, to)` (position `i` is the return from bar `i − 1` to bar `i`). Positions where either
 * price is missing (NaN) or not positive are left out. `undefined` when fewer than `minPairs`
 * pairs remain or either side has no variance.
 */
export function returnCorrelation(
  a: Float64Array,
  b: Float64Array,
  from: number,
  to: number,
  minPairs: number,
): { corr: number; pairs: number } | undefined {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = Math.max(1, from); i < to; i++) {
    const a0 = a[i - 1]!;
    const a1 = a[i]!;
    const b0 = b[i - 1]!;
    const b1 = b[i]!;
    // NaN fails every comparison, so missing aux values drop out here too.
    if (!(a0 > 0 && a1 > 0 && b0 > 0 && b1 > 0)) continue;
    x.push(Math.log(a1 / a0));
    y.push(Math.log(b1 / b0));
  }
  if (x.length < Math.max(2, minPairs)) return undefined;
  if (!hasVariance(x) || !hasVariance(y)) return undefined;
  return { corr: clampUnit(getCorrelation(x, y)), pairs: x.length };
}

function hasVariance(values: readonly number[]): boolean {
  const first = values[0];
  return values.some((v) => v !== first);
}

/** Rounding can put |r| a hair above 1. */
function clampUnit(r: number): number {
  return Math.max(-1, Math.min(1, r));
}
