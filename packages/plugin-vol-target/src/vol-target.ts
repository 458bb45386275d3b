import { definePlugin } from '@keel/contract';
import { z } from 'zod';
import { realizedVolatility } from './realized-vol.js';

export const VolTargetConfigSchema = z
  .object({
    /** Annualized volatility the position is sized for (0.15 = 15%). */
    target: z.number().positive().max(5).default(0.15),
    /** Log returns in the realized-volatility estimate. */
    lookback: z.number().int().min(2).max(252).default(20),
    /** Bars per year for annualizing: 252 for daily bars, 252 × 78 for 5-minute RTH bars. */
    periodsPerYear: z.number().positive().max(1e7).default(252),
    /** The scalar is clamped to [min, max]. */
    min: z.number().nonnegative().max(100).default(0.5),
    max: z.number().positive().max(100).default(2),
    /** Active (a resize is due) when the scalar is at least this far from 1. */
    rebalanceBand: z.number().nonnegative().max(100).default(0.2),
  })
  .prefault({})
  .refine((c) => c.min < c.max, { message: 'min must be below max', path: ['min'] });
export type VolTargetConfig = z.output<typeof VolTargetConfigSchema>;

/**
 * Volatility targeting: `scalar = clamp(target / realizedVol, min, max)`, the multiple of a
 * position's base size that would have run at the target volatility over the lookback.
 */
export const volTarget = definePlugin({
  id: 'vol-target',
  name: 'Vol target',
  version: '0.1.0',
  category: 'risk',
  description: 'Realized volatility against a 15% target, as a position scalar clamped to [0.5, 2.0].',
  layer: 'L1',
  // lookback + 1 closes with the default lookback of 20.
  warmup: 21,
  window: 253,
  inputs: ['close'],
  outputs: ['realizedVol', 'scalar'],
  config: VolTargetConfigSchema,
  onBar({ window, config }) {
    const vol = realizedVolatility(window.close, config.lookback, config.periodsPerYear);
    if (vol === undefined) {
      return {
        active: false,
        score: 0,
        status: `needs ${config.lookback + 1} bars with positive closes`,
        realizedVol: null,
        scalar: null,
        rawScalar: null,
        clamped: null,
      };
    }
    // Zero volatility asks for an infinite position; the cap is the answer.
    const raw = vol > 0 ? config.target / vol : Number.POSITIVE_INFINITY;
    const scalar = Math.min(config.max, Math.max(config.min, raw));
    const clamped = raw > config.max ? 'max' : raw < config.min ? 'min' : null;
    return {
      active: Math.abs(scalar - 1) >= config.rebalanceBand,
      score: Math.min(1, vol / (2 * config.target)),
      status: `vol ${(vol * 100).toFixed(1)}% → ×${scalar.toFixed(2)}${clamped === null ? '' : ` (${clamped})`}`,
      realizedVol: vol,
      scalar,
      rawScalar: Number.isFinite(raw) ? raw : null,
      clamped,
    };
  },
});
