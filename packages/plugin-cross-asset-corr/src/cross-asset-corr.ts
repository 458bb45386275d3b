import { definePlugin, type JsonObject, MAX_STATUS_LENGTH } from '@keel/contract';
import { z } from 'zod';
import { returnCorrelation } from './rolling-correlation.js';

export const CrossAssetCorrConfigSchema = z
  .object({
    /** `bar.aux` series to correlate the close with. */
    series: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/))
      .min(1)
      .max(16)
      .default(['vix', 'qqq']),
    /** Returns in the rolling (short) correlation; all of them must be present. */
    window: z.number().int().min(5).max(126).default(20),
    /** Returns in the baseline correlation it is compared with (at least 2 × window present). */
    baseline: z.number().int().min(10).max(252).default(120),
    /** A break: |rolling − baseline| at least this. */
    breakThreshold: z.number().positive().max(2).default(0.5),
  })
  .prefault({})
  .refine((c) => c.baseline >= 2 * c.window, {
    message: 'baseline must be at least 2 × window',
    path: ['baseline'],
  });
export type CrossAssetCorrConfig = z.output<typeof CrossAssetCorrConfigSchema>;

/** One series' correlation state in a reading. */
export interface SeriesCorrelation extends JsonObject {
  corr: number | null;
  baseline: number | null;
  delta: number | null;
  broken: boolean;
  pairs: number;
}

/**
 * Rolling Pearson correlation of the close's log returns with each auxiliary series' log returns,
 * against a longer baseline correlation; a *break* is the rolling value moving at least
 * `breakThreshold` away from the baseline (SPY and VIX, normally strongly negative, decoupling;
 * SPY and QQQ diverging). Stateless: both correlations are computed from the window.
 */
export const crossAssetCorr = definePlugin({
  id: 'cross-asset-corr',
  name: 'Cross-asset correlation',
  version: '0.1.0',
  category: 'risk',
  description:
    'Rolling correlation of returns with each aux series; a regime flag when it breaks from its baseline.',
  layer: 'L2',
  // window + 1 bars for the rolling correlation with the default window of 20.
  warmup: 21,
  window: 253,
  inputs: ['close', 'aux.*'],
  outputs: ['corr', 'breaks'],
  config: CrossAssetCorrConfigSchema,
  onBar({ window, config }) {
    const n = window.length;
    const close = window.close.values();
    const series: Record<string, SeriesCorrelation> = {};
    const breaks: string[] = [];
    const parts: string[] = [];
    let score = 0;
    for (const name of config.series) {
      const aux = window.aux(name)?.values();
      const short = aux && returnCorrelation(close, aux, n - config.window, n, config.window);
      const base = aux && returnCorrelation(close, aux, n - config.baseline, n, 2 * config.window);
      const corr = short?.corr ?? null;
      const baseline = base?.corr ?? null;
      const delta = corr !== null && baseline !== null ? corr - baseline : null;
      const broken = delta !== null && Math.abs(delta) >= config.breakThreshold;
      if (broken) breaks.push(name);
      if (delta !== null) score = Math.max(score, Math.min(1, Math.abs(delta) / (2 * config.breakThreshold)));
      series[name] = { corr, baseline, delta, broken, pairs: short?.pairs ?? 0 };
      parts.push(
        corr === null
          ? `${name} n/a`
          : `${name} ${corr.toFixed(2)}${baseline === null ? '' : ` (base ${baseline.toFixed(2)})`}`,
      );
    }
    return {
      active: breaks.length > 0,
      score,
      status: statusLine(breaks, parts),
      breaks,
      series,
    };
  },
});

/** One line within the contract's status limit: every series when it fits, else the breaks first. */
function statusLine(breaks: readonly string[], parts: readonly string[]): string {
  const full = `${breaks.length > 0 ? 'break: ' : ''}${parts.join(' · ')}`;
  if (full.length <= MAX_STATUS_LENGTH) return full;
  const short =
    breaks.length > 0
      ? `break: ${breaks.join(', ')} (${parts.length} series)`
      : `${parts.length} series, no break`;
  return short.length <= MAX_STATUS_LENGTH ? short : `${short.slice(0, MAX_STATUS_LENGTH - 1)}…`;
}
