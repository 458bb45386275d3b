import { definePlugin } from '@keel/contract';
import { getAverage, getStandardDeviation } from 'trading-signals';
import { z } from 'zod';

export const MeanReversionConfigSchema = z
  .object({
    /** Closes in the moving average and its standard deviation, the current close included. */
    period: z.number().int().min(2).max(252).default(20),
    /** Signal when the close is more than this many standard deviations from the average. */
    band: z.number().positive().max(20).default(2),
  })
  .prefault({});
export type MeanReversionConfig = z.output<typeof MeanReversionConfigSchema>;

/** `long`: the close is stretched below the average (expect a bounce); `short`: above it. */
export type ReversionSignal = 'long' | 'short' | 'none';

/**
 * Distance of the close from its simple moving average, in standard deviations: a z-score over the
 * last `period` closes with the population deviation (÷ n), the Bollinger Bands convention, so
 * `|z| > 2` is exactly "outside the 2σ bands".
 */
export const meanReversion = definePlugin({
  id: 'mean-reversion',
  name: 'Mean reversion',
  version: '0.1.0',
  category: 'alpha',
  description: 'Distance of the close from its 20-bar SMA in standard deviations; a signal beyond the band.',
  layer: 'L2',
  warmup: 20,
  window: 252,
  inputs: ['close'],
  outputs: ['z', 'signal'],
  config: MeanReversionConfigSchema,
  onBar({ bar, window, config }) {
    const n = window.length;
    const period = Math.min(config.period, n);
    const closes = Array.from(window.close.values().subarray(n - period));
    const sma = getAverage(closes);
    const sigma = getStandardDeviation(closes, sma);
    // A flat window has no spread: the close is at its average, not infinitely far from it.
    const z = sigma > 0 ? (bar.close - sma) / sigma : 0;
    const signal: ReversionSignal = z <= -config.band ? 'long' : z >= config.band ? 'short' : 'none';
    return {
      active: signal !== 'none',
      score: Math.min(1, Math.abs(z) / (2 * config.band)),
      status: signal === 'none' ? `z ${z.toFixed(2)}` : `${signal}: z ${z.toFixed(2)}`,
      z,
      signal,
      sma,
      sigma,
      upper: sma + config.band * sigma,
      lower: sma - config.band * sigma,
      period,
    };
  },
});
