/** Candle-shape tokens, one per bar. */
export const CANDLE_TOKENS = [
  'doji',
  'bull_marubozu',
  'bear_marubozu',
  'hammer',
  'shooting_star',
  'bull',
  'bear',
] as const;
export type CandleToken = (typeof CANDLE_TOKENS)[number];

/** Parts of one candle, in price units. */
export interface CandleParts {
  readonly range: number;
  readonly body: number;
  readonly upperWick: number;
  readonly lowerWick: number;
}

export function candleParts(open: number, high: number, low: number, close: number): CandleParts {
  const top = Math.max(open, close);
  const bottom = Math.min(open, close);
  return { range: high - low, body: top - bottom, upperWick: high - top, lowerWick: bottom - low };
}

/**
 * The shape of a candle, by the share of its range each part takes: a body of at most 10% is a
 * `doji` (as is a bar with no range), at least 90% a marubozu; otherwise a wick of at least 60% makes
 * a `hammer` (lower) or `shooting_star` (upper); the rest are plain `bull` / `bear`.
 */
export function classifyCandle(open: number, high: number, low: number, close: number): CandleToken {
  const p = candleParts(open, high, low, close);
  if (p.body <= 0.1 * p.range) return 'doji';
  if (p.body >= 0.9 * p.range) return close > open ? 'bull_marubozu' : 'bear_marubozu';
  if (p.lowerWick >= 0.6 * p.range) return 'hammer';
  if (p.upperWick >= 0.6 * p.range) return 'shooting_star';
  return close > open ? 'bull' : 'bear';
}

/** Shannon entropy in bits of token counts: `−Σ p log₂ p` over the non-zero counts. */
export function shannonEntropy(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (total === 0) return 0;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0) h -= (c / total) * Math.log2(c / total);
  }
  return h;
}
