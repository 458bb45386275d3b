import { definePlugin } from '@keel/contract';
import { z } from 'zod';
import { erf } from './erf.js';
import { createLocalLinearTrend } from './local-linear-trend.js';

export const KalmanTrendConfigSchema = z
  .object({
    /** σr of ln(close): the noise around the trend (0.01 ≈ 1% of the price). */
    observationStd: z.number().positive().max(10).default(0.01),
    /** σa: how fast the slope of ln(close) may change per bar. */
    accelerationStd: z.number().positive().max(10).default(0.0005),
    /** Prior σ of the slope (log units per bar) at the first bar. */
    initialSlopeStd: z.number().positive().max(10).default(0.01),
    /** Active when |standardized innovation| reaches this many σ. */
    band: z.number().positive().max(20).default(2),
    /** The trend is `up` / `down` when |slope| is at least this many of its posterior σ. */
    trendSigmas: z.number().nonnegative().max(20).default(2),
  })
  .prefault({});
export type KalmanTrendConfig = z.output<typeof KalmanTrendConfigSchema>;

export type TrendDirection = 'up' | 'down' | 'flat';

/**
 * Creates the plugin: a level + slope Kalman filter on ln(close). Its score is how surprising the
 * close was given the trend so far: `erf(|e| / √2)` for the standardized innovation `e`, i.e. the
 * probability that a normal draw lands closer to the prediction. A factory, because the filter
 * state spans every bar since reset.
 */
export function createKalmanTrend() {
  let filter: ReturnType<typeof createLocalLinearTrend> | undefined;
  let skipped = 0;

  return definePlugin({
    id: 'kalman-trend',
    name: 'Kalman trend',
    version: '0.1.0',
    category: 'alpha',
    description: 'Level + slope Kalman filter on log prices; the standardized innovation is the score.',
    layer: 'L2',
    // The filter sees every bar: no warm-up.
    warmup: 1,
    window: 2,
    inputs: ['close'],
    outputs: ['level', 'slope', 'standardized'],
    config: KalmanTrendConfigSchema,
    onBar({ bar, config }) {
      filter ??= createLocalLinearTrend(config);
      if (!(bar.close > 0)) {
        skipped++;
        return { active: false, score: 0, status: `skipped: close ${bar.close} is not positive`, skipped };
      }
      const step = filter.update(Math.log(bar.close));
      const slopeStd = Math.sqrt(filter.pSS);
      const t = slopeStd > 0 ? filter.slope / slopeStd : 0;
      const trend: TrendDirection =
        t >= config.trendSigmas ? 'up' : t <= -config.trendSigmas ? 'down' : 'flat';
      const e = step?.standardized ?? 0;
      const active = Math.abs(e) >= config.band;
      return {
        active,
        score: erf(Math.abs(e) / Math.SQRT2),
        status:
          step === undefined ? 'initialized' : `${trend} · innovation ${e >= 0 ? '+' : ''}${e.toFixed(2)}σ`,
        standardized: e,
        innovation: step?.innovation ?? 0,
        innovationVariance: step?.innovationVariance ?? null,
        trend,
        level: Math.exp(filter.level),
        logLevel: filter.level,
        slope: filter.slope,
        slopeStd,
        gainLevel: step?.gainLevel ?? null,
        gainSlope: step?.gainSlope ?? null,
        skipped,
      };
    },
    reset() {
      filter?.reset();
      skipped = 0;
    },
  });
}
