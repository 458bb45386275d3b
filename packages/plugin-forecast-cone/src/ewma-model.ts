import { ForecastError } from './errors.js';
import { type ModelForecast, normalForecast } from './model-forecast.js';
import { normalQuantile } from './normal-quantile.js';

/** RiskMetrics' daily decay. */
export const RISKMETRICS_LAMBDA = 0.94;

export interface EwmaOptions {
  /** Decay λ in (0, 1); RiskMetrics uses 0.94 for daily data. */
  readonly lambda: number;
  /** Returns whose mean square seeds the recursion (default 30, fewer when the series is shorter). */
  readonly seedReturns: number;
}

export const DEFAULT_EWMA: EwmaOptions = { lambda: RISKMETRICS_LAMBDA, seedReturns: 30 };

/**
 * The EWMA (RiskMetrics) one-step variance after the last return, zero-mean:
 * `s₀ = mean(r₀² … r_{m-1}²)` over the first `m = min(seedReturns, n)` returns, then
 * `s ← λ·s + (1-λ)·rᵢ²` for `i = m … n-1`. The result is the variance of the next return.
 */
export function ewmaVariance(returns: ArrayLike<number>, options: EwmaOptions = DEFAULT_EWMA): number {
  const n = returns.length;
  const m = Math.min(Math.max(1, options.seedReturns), n);
  let s = 0;
  for (let i = 0; i < m; i++) s += returns[i]! * returns[i]!;
  s /= m;
  const lambda = options.lambda;
  const w = 1 - lambda;
  for (let i = m; i < n; i++) s = lambda * s + w * returns[i]! * returns[i]!;
  return s;
}

const Z10 = normalQuantile(0.1);
const Z90 = normalQuantile(0.9);

/**
 * EWMA-volatility lognormal cone: log returns are i.i.d. N(0, σ²) with σ² the EWMA variance, so
 * the k-step cumulative log return is N(0, k·σ²) (the RiskMetrics square-root-of-time rule) and
 * the price quantile is `last · exp(z_p · σ · √k)`.
 */
export function ewmaForecast(
  returns: ArrayLike<number>,
  horizon: number,
  options: EwmaOptions = DEFAULT_EWMA,
): ModelForecast {
  const v = ewmaVariance(returns, options);
  if (!(v > 0)) throw degenerate();
  const cum = new Float64Array(horizon);
  for (let k = 0; k < horizon; k++) cum[k] = (k + 1) * v;
  return normalForecast('ewma', cum, horizon, Z10, Z90);
}

export function degenerate(): ForecastError {
  return new ForecastError(
    'FORECAST_DEGENERATE_SERIES',
    'closes: every return is zero, no volatility to fit',
    {
      field: 'closes',
      hint: 'send a series whose prices move',
    },
  );
}
