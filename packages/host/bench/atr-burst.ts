import { definePlugin, type KeelPlugin, type OnBarArgs, type SensorReading } from '@keel/contract';

/**
 * The seed example plugin: the body of the current bar against a Wilder ATR, active above
 * `multiple` × ATR. State is a small incremental closure, so a call costs a few reads of the
 * window and a little arithmetic: a "light" plugin, which makes host overhead most visible.
 */
export function createAtrBurst(id: string, period = 14, multiple = 1.5): KeelPlugin {
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
