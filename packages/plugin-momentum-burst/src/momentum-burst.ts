import { type BarWindow, definePlugin } from '@keel/contract';
import { getTrueRange } from 'trading-signals';
import { z } from 'zod';

export const MomentumBurstConfigSchema = z.object({
  /** Most true ranges in the average; fewer (`n - 1`) while the window is still short. */
  period: z.number().int().min(1).max(255).default(14),
  /** A bar is a burst when its body exceeds this multiple of the ATR. */
  multiple: z.number().positive().max(100).default(1.5),
});
export type MomentumBurstConfig = z.output<typeof MomentumBurstConfigSchema>;

/**
 * The seed systems' ATR: the mean true range of the last `min(period, n - 1)` bars of an `n`-bar
 * window, the current bar included. Each true range needs the close before it, which is why the
 * oldest bar of the window contributes only as a previous close. (`@keel/plugin-atr-burst` leaves
 * the current bar out instead, so a burst cannot raise its own yardstick; on SPY 5-minute bars that
 * flags 1,581 bars where this formula flags 1,190.)
 */
export function seedAverageTrueRange(window: BarWindow, period: number): number {
  const n = window.length;
  const terms = Math.min(period, n - 1);
  if (terms < 1) return 0;
  const { high, low, close } = window;
  let sum = 0;
  for (let i = n - terms; i < n; i++) {
    sum += getTrueRange({ high: high.get(i), low: low.get(i), close: close.get(i) }, close.get(i - 1));
  }
  return sum / terms;
}

/** The seed momentum sensor: the current bar's body against the seed ATR, active above `multiple`. */
export const momentumBurst = definePlugin({
  id: 'momentum-burst',
  name: 'Momentum burst',
  version: '0.1.0',
  category: 'alpha',
  description:
    'Flags bars whose body exceeds a multiple of the ATR taken over the window, current bar included.',
  layer: 'L2',
  // The seed formula runs from the second bar on, with one true range; it needs no longer warm-up.
  warmup: 2,
  window: 256,
  inputs: ['open', 'high', 'low', 'close'],
  outputs: ['atr', 'ratio'],
  config: MomentumBurstConfigSchema,
  onBar({ bar, window, config }) {
    const atr = seedAverageTrueRange(window, config.period);
    const body = Math.abs(bar.close - bar.open);
    const ratio = atr > 0 ? body / atr : 0;
    const active = ratio > config.multiple;
    return {
      active,
      score: Math.min(1, ratio / (2 * config.multiple)),
      status: active ? `burst ${ratio.toFixed(2)}× ATR` : `${ratio.toFixed(2)}× ATR`,
      atr,
      ratio,
      terms: Math.min(config.period, window.length - 1),
      direction: bar.close >= bar.open ? 'up' : 'down',
    };
  },
});
