import { type BarWindow, definePlugin } from '@keel/contract';
import { z } from 'zod';

export const AtrBurstConfigSchema = z.object({
  /** Bars in the average true range. */
  period: z.number().int().min(2).max(62).default(14),
  /** A bar is a burst when its body exceeds this multiple of the ATR. */
  multiple: z.number().positive().max(100).default(1.5),
});
export type AtrBurstConfig = z.output<typeof AtrBurstConfigSchema>;

/**
 * Average true range over the `period` bars before the newest one, read straight from the window's
 * columns. Computing from the window (rather than a running indicator) keeps the plugin stateless, so
 * a reset, a reload or a second host sharing the module can never see stale state.
 */
export function averageTrueRange(window: BarWindow, period: number): number {
  const n = window.length;
  const high = window.high;
  const low = window.low;
  const close = window.close;
  let sum = 0;
  for (let i = n - 1 - period; i < n - 1; i++) {
    const h = high.get(i);
    const l = low.get(i);
    const prevClose = i > 0 ? close.get(i - 1) : close.get(i);
    sum += Math.max(h - l, Math.abs(h - prevClose), Math.abs(l - prevClose));
  }
  return sum / period;
}

/** The seed example of Keel: the body of the bar against the 14-bar ATR, active above 1.5×. */
export const atrBurst = definePlugin({
  id: 'atr-burst',
  name: 'ATR burst',
  version: '0.1.0',
  category: 'alpha',
  description: 'Flags bars whose body (|close - open|) exceeds a multiple of the average true range.',
  layer: 'L2',
  // period + 1 bars: `period` true ranges before the current bar, each needing its previous close.
  warmup: 16,
  window: 64,
  inputs: ['open', 'high', 'low', 'close'],
  outputs: ['atr', 'ratio'],
  config: AtrBurstConfigSchema,
  onBar({ bar, window, config }) {
    const period = Math.min(config.period, window.length - 1);
    const atr = averageTrueRange(window, period);
    const body = Math.abs(bar.close - bar.open);
    const ratio = atr > 0 ? body / atr : 0;
    const active = ratio > config.multiple;
    return {
      active,
      score: Math.min(1, ratio / (2 * config.multiple)),
      status: active ? `burst ${ratio.toFixed(2)}× ATR` : `${ratio.toFixed(2)}× ATR`,
      atr: round(atr),
      ratio: round(ratio),
      direction: bar.close >= bar.open ? 'up' : 'down',
    };
  },
});

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
