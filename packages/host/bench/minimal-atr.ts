import { definePlugin, type KeelPlugin, type OnBarArgs, type SensorReading } from '@keel/contract';

/**
 * The overhead stress case: the seed example's idea (the body of the bar against the ATR, active
 * above `multiple` × ATR) cut to the bone. The ATR is an incremental Wilder average kept in the
 * closure and the reading has three or four keys, so a call costs a few window reads and a little
 * arithmetic (≈ 50 ns on a fast core): nearly all of a step is then the host's fixed per-call cost.
 */
export function createMinimalAtr(id: string, period = 14, multiple = 1.5): KeelPlugin {
  let atr = Number.NaN;
  let seeded = 0;
  let sum = 0;
  const CALM: SensorReading = { active: false, score: 0, status: 'calm' };
  return definePlugin({
    id,
    name: `ATR burst ${period}`,
    version: '1.0.0',
    category: 'alpha',
    layer: 'L1',
    warmup: 2,
    window: period + 1,
    onBar({ window }: OnBarArgs): SensorReading {
      const high = window.high.get(-1);
      const low = window.low.get(-1);
      const prevClose = window.close.get(-2);
      const tr = Math.max(high - low, Math.abs(high - prevClose), Math.abs(low - prevClose));
      if (seeded < period) {
        sum += tr;
        seeded++;
        if (seeded < period) return CALM;
        atr = sum / period;
      } else {
        atr += (tr - atr) / period;
      }
      const body = Math.abs(window.close.get(-1) - window.open.get(-1));
      const ratio = atr > 0 ? body / atr : 0;
      if (ratio <= multiple) return { active: false, score: ratio / (2 * multiple), status: 'calm' };
      return { active: true, score: Math.min(1, ratio / (2 * multiple)), status: 'burst', ratio };
    },
    reset() {
      atr = Number.NaN;
      seeded = 0;
      sum = 0;
    },
  });
}
