import { definePlugin, type KeelPlugin, type SensorReading } from '@keel/contract';

// The bench's plugins: the same ATR-burst math written in the two window idioms the docs show, a
// do-nothing plugin for the host's fixed cost, and the plain-loop baseline's shared pieces. The
// math (`atrEndingAt`, `atrReading`) is one function used by the plugins and by the plain loop, so
// the only difference measured is the host and the window API.

/**
 * Average true range of the `period` bars before index `end`, read from three columns. The
 * `values()` plugin passes its window views (`end = length - 1`); the plain loop passes whole-file
 * `Float64Array`s (`end = bar index`). Needs `end - period - 1 >= 0`.
 */
export function atrEndingAt(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  end: number,
  period: number,
): number {
  let sum = 0;
  for (let i = end - period; i < end; i++) {
    const h = high[i] as number;
    const l = low[i] as number;
    const prev = close[i - 1] as number;
    sum += Math.max(h - l, Math.abs(h - prev), Math.abs(l - prev));
  }
  return sum / period;
}

/** The reading both the plugins and the plain loop build (primitive extras, no formatting). */
export function atrReading(atr: number, body: number, multiple: number): SensorReading {
  const ratio = atr > 0 ? body / atr : 0;
  const active = ratio > multiple;
  return {
    active,
    score: Math.min(1, ratio / (2 * multiple)),
    status: active ? 'burst' : 'calm',
    atr,
    ratio,
  };
}

/** Bars a plugin needs before its first call: `period` true ranges plus the close before them. */
export const warmupFor = (period: number): number => period + 2;
export const WINDOW = 64;
export const MULTIPLE = 1.5;

const manifest = (id: string, period: number) =>
  ({
    id,
    name: id,
    version: '1.0.0',
    category: 'alpha',
    layer: 'L2',
    warmup: warmupFor(period),
    window: WINDOW,
  }) as const;

/** The docs' fastest idiom: one `values()` view per column, then plain indexing. */
export function valuesAtr(id: string, period: number): KeelPlugin {
  return definePlugin({
    ...manifest(id, period),
    onBar({ bar, window }) {
      const end = window.length - 1;
      const atr = atrEndingAt(window.high.values(), window.low.values(), window.close.values(), end, period);
      return atrReading(atr, Math.abs(bar.close - bar.open), MULTIPLE);
    },
  });
}

/** The same math through `Series.get(i)` (the seed plugin's style). */
export function getAtr(id: string, period: number): KeelPlugin {
  return definePlugin({
    ...manifest(id, period),
    onBar({ bar, window }) {
      const high = window.high;
      const low = window.low;
      const close = window.close;
      const end = window.length - 1;
      let sum = 0;
      for (let i = end - period; i < end; i++) {
        const h = high.get(i);
        const l = low.get(i);
        const prev = close.get(i - 1);
        sum += Math.max(h - l, Math.abs(h - prev), Math.abs(l - prev));
      }
      return atrReading(sum / period, Math.abs(bar.close - bar.open), MULTIPLE);
    },
  });
}

const IDLE: SensorReading = Object.freeze({ active: false, score: 0, status: 'idle' });

/** Does nothing: what is left is the host's fixed cost per call. */
export function noopPlugin(id: string, period: number): KeelPlugin {
  return definePlugin({
    ...manifest(id, period),
    onBar() {
      return IDLE;
    },
  });
}

/** The module source of a light worker-isolated plugin (the thread imports it from a file). */
export const WORKER_PLUGIN_SOURCE = `
export default {
  id: 'worker-light', name: 'worker-light', version: '1.0.0', category: 'alpha', layer: 'L2',
  warmup: 2, window: 16, isolation: 'worker',
  onBar({ bar, window }) {
    const prev = window.close.get(-2);
    const move = bar.close - prev;
    return { active: move > 0, score: 0, status: move > 0 ? 'up' : 'down' };
  },
};
`;
