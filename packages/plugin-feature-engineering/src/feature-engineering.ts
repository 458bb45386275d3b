import { definePlugin } from '@keel/contract';
import { ATR, RSI } from 'trading-signals';
import { z } from 'zod';
import type { BarFeatures } from './features.js';
import { realizedVolatility } from './realized-vol.js';

const topic = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/, 'a dotted event type such as features.bar');

export const FeatureEngineeringConfigSchema = z
  .object({
    rsiPeriod: z.number().int().min(2).max(252).default(14),
    atrPeriod: z.number().int().min(1).max(252).default(14),
    /** Log returns in the realized volatility. */
    volLookback: z.number().int().min(2).max(252).default(20),
    /** Bars per year for annualizing: 252 for daily bars, 252 × 78 for 5-minute RTH bars. */
    periodsPerYear: z.number().positive().max(1e7).default(252),
    /** Bars in the multi-bar return `returnN`. */
    returnHorizon: z.number().int().min(1).max(252).default(5),
    /** The reading is active when RSI is at or beyond these. */
    overbought: z.number().min(0).max(100).default(70),
    oversold: z.number().min(0).max(100).default(30),
    /** Bus event type the features are published as, every bar. */
    topic: topic.default('features.bar'),
  })
  .prefault({})
  .refine((c) => c.oversold < c.overbought, {
    message: 'oversold must be below overbought',
    path: ['oversold'],
  });
export type FeatureEngineeringConfig = z.output<typeof FeatureEngineeringConfigSchema>;

/** Cache namespace and key of the latest features; `feature-engineering.latest` (RPC) reads them. */
export const FEATURES_CACHE = { ns: 'features', key: 'latest' } as const;

/**
 * Creates the plugin: RSI and ATR from `trading-signals`' streaming indicators (Wilder smoothing),
 * realized volatility and returns from the window. Each bar's features are published on the bus and
 * written to the host cache, so other plugins, jobs and the API share one computation. A factory,
 * because the streaming indicators hold state across every bar since reset.
 */
export function createFeatureEngineering() {
  let rsi: RSI | undefined;
  let atr: ATR | undefined;
  let published = 0;
  let cacheErrors = 0;
  let latest: BarFeatures | null = null;

  return definePlugin({
    id: 'feature-engineering',
    name: 'Feature engineering',
    version: '0.1.0',
    category: 'fe',
    description:
      'RSI, ATR, realized volatility and returns, published on the bus and cached for other plugins.',
    layer: 'L1',
    // The streaming indicators must see every bar.
    warmup: 1,
    window: 253,
    inputs: ['high', 'low', 'close'],
    outputs: ['features.bar', 'rsi', 'atr', 'volatility', 'return1', 'returnN'],
    config: FeatureEngineeringConfigSchema,

    setup(ctx) {
      ctx.rpc.register(
        'feature-engineering.latest',
        async () => (await ctx.cache.get<BarFeatures>(FEATURES_CACHE.ns, FEATURES_CACHE.key)) ?? null,
      );
    },

    onBar({ bar, window, config, ctx }) {
      rsi ??= new RSI(config.rsiPeriod);
      atr ??= new ATR(config.atrPeriod);
      const rsiValue = rsi.add(bar.close);
      const atrValue = atr.add({ high: bar.high, low: bar.low, close: bar.close });
      const n = window.length;
      const prev = window.close.at(-2);
      const back = window.close.at(-1 - config.returnHorizon);
      const features: BarFeatures = {
        time: bar.time,
        symbol: bar.symbol ?? null,
        close: bar.close,
        rsi: rsiValue,
        atr: atrValue,
        atrPct: atrValue !== null && bar.close !== 0 ? atrValue / bar.close : null,
        volatility: realizedVolatility(window.close, config.volLookback, config.periodsPerYear) ?? null,
        return1: prev !== undefined && prev !== 0 ? bar.close / prev - 1 : null,
        logReturn1: prev !== undefined && prev > 0 && bar.close > 0 ? Math.log(bar.close / prev) : null,
        returnN: n > config.returnHorizon && back !== undefined && back !== 0 ? bar.close / back - 1 : null,
      };
      latest = features;
      ctx.bus.publish(config.topic, features);
      published++;
      // Not awaited: a cache write must not make every bar asynchronous. Failures are counted.
      ctx.cache.put(FEATURES_CACHE.ns, FEATURES_CACHE.key, features).catch(() => {
        cacheErrors++;
      });
      const active = rsiValue !== null && (rsiValue >= config.overbought || rsiValue <= config.oversold);
      return {
        active,
        score: rsiValue === null ? 0 : rsiValue / 100,
        status:
          rsiValue === null
            ? 'warming indicators'
            : `RSI ${rsiValue.toFixed(1)}${atrValue === null ? '' : ` · ATR ${atrValue.toFixed(2)}`}${features.volatility === null ? '' : ` · vol ${(features.volatility * 100).toFixed(1)}%`}`,
        ...features,
      };
    },

    describe() {
      return {
        status: latest === null ? 'no bar yet' : `${published} bars published`,
        stats: {
          published: () => published,
          cacheErrors: () => cacheErrors,
          latest: () => latest,
        },
      };
    },

    reset() {
      rsi = undefined;
      atr = undefined;
      published = 0;
      cacheErrors = 0;
      latest = null;
    },
  });
}
