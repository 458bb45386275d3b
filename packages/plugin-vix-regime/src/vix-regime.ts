import { definePlugin } from '@keel/contract';
import { z } from 'zod';
import { realizedVolatility } from './realized-vol.js';

/** Regimes from calm to crisis; the order is the order of the thresholds. */
export const VIX_REGIMES = ['low_vol', 'normal', 'elevated', 'crisis'] as const;
export type VixRegime = (typeof VIX_REGIMES)[number];

/** Where the level came from: the VIX column, or realized volatility when the bar has no VIX. */
export type VixSource = 'vix' | 'realized_vol_proxy';

const level = z.number().positive().max(1000);
const exposure = z.number().min(0).max(10);

export const VixRegimeConfigSchema = z
  .object({
    /** The `bar.aux` series holding the VIX close. */
    auxName: z.string().min(1).max(64).default('vix'),
    /** Lower bounds (VIX points, inclusive) of `normal`, `elevated` and `crisis`. */
    thresholds: z
      .object({ normal: level.default(15), elevated: level.default(25), crisis: level.default(35) })
      .prefault({})
      .refine((t) => t.normal < t.elevated && t.elevated < t.crisis, {
        message: 'thresholds must increase: normal < elevated < crisis',
      }),
    /** Exposure multiplier per regime. */
    exposure: z
      .object({
        low_vol: exposure.default(1.2),
        normal: exposure.default(1.0),
        elevated: exposure.default(0.7),
        crisis: exposure.default(0.3),
      })
      .prefault({}),
    /** The realized-volatility proxy used when the current bar carries no VIX value. */
    proxy: z
      .object({
        /** Log returns in the estimate (the window holds 253 bars, so at most 252). */
        lookback: z.number().int().min(2).max(252).default(20),
        /** Bars per year for annualizing: 252 for daily bars, 252 × 78 for 5-minute RTH bars. */
        periodsPerYear: z.number().positive().max(1e7).default(252),
      })
      .prefault({}),
  })
  .prefault({});
export type VixRegimeConfig = z.output<typeof VixRegimeConfigSchema>;

/** The regime of a VIX level: thresholds are inclusive lower bounds. */
export function classifyVix(value: number, t: VixRegimeConfig['thresholds']): VixRegime {
  if (value >= t.crisis) return 'crisis';
  if (value >= t.elevated) return 'elevated';
  if (value >= t.normal) return 'normal';
  return 'low_vol';
}

/**
 * Reads the volatility regime from the bar's VIX (`window.aux('vix')`), falling back to annualized
 * realized volatility in VIX points (×100) when the bar has none; every reading says which it used.
 */
export const vixRegime = definePlugin({
  id: 'vix-regime',
  name: 'VIX regime',
  version: '0.1.0',
  category: 'risk',
  description:
    'Maps VIX (or a realized-volatility proxy) to low_vol / normal / elevated / crisis and an exposure.',
  layer: 'L1',
  // lookback + 1 closes for the proxy with the default lookback of 20.
  warmup: 21,
  window: 253,
  inputs: ['close', 'aux.vix'],
  outputs: ['regime', 'exposure'],
  config: VixRegimeConfigSchema,
  onBar({ window, config }) {
    const vix = window.aux(config.auxName)?.at(-1);
    const realized = realizedVolatility(window.close, config.proxy.lookback, config.proxy.periodsPerYear);
    const hasVix = vix !== undefined && Number.isFinite(vix);
    const source: VixSource = hasVix ? 'vix' : 'realized_vol_proxy';
    const value = hasVix ? vix : realized === undefined ? undefined : realized * 100;
    if (value === undefined) {
      return {
        active: false,
        score: 0,
        status: `no ${config.auxName}; proxy needs ${config.proxy.lookback + 1} bars with positive closes`,
        source,
        regime: null,
        exposure: null,
        level: null,
        vix: null,
        realizedVol: null,
      };
    }
    const regime = classifyVix(value, config.thresholds);
    const active = regime === 'elevated' || regime === 'crisis';
    return {
      active,
      // 0.5 where `elevated` starts, 1 at twice that level.
      score: Math.min(1, value / (2 * config.thresholds.elevated)),
      status: `${regime} ${value.toFixed(1)} (${source === 'vix' ? config.auxName : 'proxy'})`,
      source,
      regime,
      exposure: config.exposure[regime],
      level: value,
      vix: hasVix ? vix : null,
      realizedVol: realized ?? null,
    };
  },
});
