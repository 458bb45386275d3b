import type { JsonObject } from '@keel/contract';

/** One bar's features, as published on the bus, cached and returned in the reading. */
export interface BarFeatures extends JsonObject {
  /** The bar's time (epoch ms). */
  time: number;
  symbol: string | null;
  close: number;
  /** Wilder RSI (0–100); `null` until `rsiPeriod + 1` closes. */
  rsi: number | null;
  /** Wilder ATR (price units); `null` until `atrPeriod` bars. */
  atr: number | null;
  /** `atr / close`. */
  atrPct: number | null;
  /** Annualized realized volatility (fraction); `null` until `volLookback + 1` closes. */
  volatility: number | null;
  /** `close / previous close − 1`. */
  return1: number | null;
  /** `ln(close / previous close)`. */
  logReturn1: number | null;
  /** `close / close returnHorizon bars ago − 1`. */
  returnN: number | null;
}
