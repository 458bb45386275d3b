import type { Series } from '@keel/contract';
import { getLogReturns, getStandardDeviation } from 'trading-signals';

/**
 * Annualized realized volatility of the last `lookback` log returns of a close column: the
 * population standard deviation (divide by n, as `trading-signals` computes it) times
 * `√periodsPerYear`. `undefined` while the column holds fewer than `lookback + 1` closes, or when
 * one of them is not positive (a log return needs positive prices).
 */
export function realizedVolatility(
  close: Series,
  lookback: number,
  periodsPerYear: number,
): number | undefined {
  const n = close.length;
  if (n < lookback + 1) return undefined;
  const closes = Array.from(close.values().subarray(n - lookback - 1));
  if (!closes.every((c) => c > 0)) return undefined;
  return getStandardDeviation(getLogReturns(closes)) * Math.sqrt(periodsPerYear);
}
