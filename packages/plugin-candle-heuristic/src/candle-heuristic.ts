import { definePlugin } from '@keel/contract';
import { z } from 'zod';
import {
  CANDLE_TOKENS,
  type CandleToken,
  candleParts,
  classifyCandle,
  shannonEntropy,
} from './candle-shape.js';

export const CandleHeuristicConfigSchema = z
  .object({
    /** Bars before the current one for the average range, body and volume. */
    lookback: z.number().int().min(2).max(128).default(20),
    /** Tokens (current bar included) in the entropy. */
    entropyWindow: z.number().int().min(4).max(128).default(20),
    /** A wick is long when at least this multiple of the body… */
    wickToBody: z.number().positive().max(100).default(2),
    /** …and at least this multiple of the average range (so tiny bars do not count). */
    wickToRange: z.number().positive().max(100).default(0.75),
    /** A body is large when at least this multiple of the average body. */
    bodyMultiple: z.number().positive().max(100).default(2.5),
    /** Volume is a spike when at least this multiple of the average volume. */
    volumeMultiple: z.number().positive().max(1000).default(2.5),
    /** Shapes are repetitive when the normalized entropy is at most this. */
    lowEntropy: z.number().min(0).max(1).default(0.5),
  })
  .prefault({});
export type CandleHeuristicConfig = z.output<typeof CandleHeuristicConfigSchema>;

/** The rules, in the order a reading lists them. */
export const CANDLE_RULES = [
  'long_upper_wick',
  'long_lower_wick',
  'large_body',
  'volume_spike',
  'low_entropy',
] as const;
export type CandleRule = (typeof CANDLE_RULES)[number];

const TOKEN_INDEX = new Map<CandleToken, number>(CANDLE_TOKENS.map((t, i) => [t, i]));

/** How far past its threshold a rule is, 0.5 exactly on it, 1 at twice it. */
const strength = (x: number, threshold: number) => (threshold > 0 ? Math.min(1, x / (2 * threshold)) : 1);

/**
 * Candle heuristics: wick, body and volume anomalies against the previous `lookback` bars, plus
 * the Shannon entropy of the last `entropyWindow` candle-shape tokens — low when the market keeps
 * printing the same shape. Stateless: everything is read from the window.
 */
export const candleHeuristic = definePlugin({
  id: 'candle-heuristic',
  name: 'Candle heuristic',
  version: '0.1.0',
  category: 'alpha',
  description: 'Wick, body and volume anomalies plus the entropy of recent candle shapes.',
  layer: 'L2',
  // lookback previous bars with the default of 20, plus the current one.
  warmup: 21,
  window: 129,
  inputs: ['open', 'high', 'low', 'close', 'volume'],
  outputs: ['rules', 'token', 'entropy'],
  config: CandleHeuristicConfigSchema,
  onBar({ bar, window, config }) {
    const n = window.length;
    const { open, high, low, close, volume } = window;
    const prior = Math.min(config.lookback, n - 1);
    let sumRange = 0;
    let sumBody = 0;
    let sumVolume = 0;
    for (let i = n - 1 - prior; i < n - 1; i++) {
      const p = candleParts(open.get(i), high.get(i), low.get(i), close.get(i));
      sumRange += p.range;
      sumBody += p.body;
      sumVolume += volume.get(i);
    }
    const avgRange = prior > 0 ? sumRange / prior : 0;
    const avgBody = prior > 0 ? sumBody / prior : 0;
    const avgVolume = prior > 0 ? sumVolume / prior : 0;

    const counts = new Array<number>(CANDLE_TOKENS.length).fill(0);
    const tokens = Math.min(config.entropyWindow, n);
    for (let i = n - tokens; i < n; i++) {
      const t = classifyCandle(open.get(i), high.get(i), low.get(i), close.get(i));
      counts[TOKEN_INDEX.get(t)!]!++;
    }
    const entropy = shannonEntropy(counts);
    // Normalized by the most entropy `tokens` draws of 7 shapes can have.
    const entropyNorm = entropy / Math.log2(Math.min(CANDLE_TOKENS.length, tokens));

    const parts = candleParts(bar.open, bar.high, bar.low, bar.close);
    const token = classifyCandle(bar.open, bar.high, bar.low, bar.close);
    const volumeRatio = avgVolume > 0 ? bar.volume / avgVolume : 0;
    const bodyRatio = avgBody > 0 ? parts.body / avgBody : 0;
    const fired: CandleRule[] = [];
    let score = 0;
    const wickRule = (rule: CandleRule, wick: number) => {
      const vsBody = parts.body > 0 ? wick / parts.body : wick > 0 ? Number.POSITIVE_INFINITY : 0;
      const vsRange = avgRange > 0 ? wick / avgRange : 0;
      if (vsBody >= config.wickToBody && vsRange >= config.wickToRange) {
        fired.push(rule);
        score = Math.max(
          score,
          Math.min(strength(vsBody, config.wickToBody), strength(vsRange, config.wickToRange)),
        );
      }
    };
    wickRule('long_upper_wick', parts.upperWick);
    wickRule('long_lower_wick', parts.lowerWick);
    if (bodyRatio >= config.bodyMultiple) {
      fired.push('large_body');
      score = Math.max(score, strength(bodyRatio, config.bodyMultiple));
    }
    if (volumeRatio >= config.volumeMultiple) {
      fired.push('volume_spike');
      score = Math.max(score, strength(volumeRatio, config.volumeMultiple));
    }
    if (entropyNorm <= config.lowEntropy) {
      fired.push('low_entropy');
      score = Math.max(score, strength(1 - entropyNorm, 1 - config.lowEntropy));
    }
    const tokenCounts: Record<string, number> = {};
    for (let i = 0; i < CANDLE_TOKENS.length; i++)
      if (counts[i]! > 0) tokenCounts[CANDLE_TOKENS[i]!] = counts[i]!;
    return {
      active: fired.length > 0,
      score,
      status: fired.length > 0 ? `${token}: ${fired.join(', ')}` : `${token} · H ${entropyNorm.toFixed(2)}`,
      rules: fired,
      token,
      entropy,
      entropyNorm,
      tokenCounts,
      body: parts.body,
      upperWick: parts.upperWick,
      lowerWick: parts.lowerWick,
      range: parts.range,
      avgRange,
      avgBody,
      bodyRatio,
      volumeRatio,
    };
  },
});
