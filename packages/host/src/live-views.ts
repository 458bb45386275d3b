import type { Bar, PartialStep, SensorReading, SensorRow } from '@keel/contract';

/** Which bar is being processed; read by the shared argument and step objects. */
export interface BarCursor {
  bar: Bar;
}

const NO_BAR: Bar = Object.freeze({ time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 });

export function createBarCursor(): BarCursor {
  return { bar: NO_BAR };
}

export interface LiveStep {
  readonly step: PartialStep;
  set(index: number, sensors: readonly SensorRow[], plugins: Readonly<Record<string, SensorReading>>): void;
}

/**
 * The partial step one layer sees, re-pointed at each bar instead of allocated and frozen anew:
 * the conventions' "one frozen view shared by all plugins". Frozen once (nothing can be written,
 * added or redefined); enumerable getters read the current bar, so spread and `JSON.stringify`
 * work. Like `window`, it describes the current call: keep its values (which are frozen per bar),
 * not the object itself.
 */
export function createLiveStep(cursor: BarCursor): LiveStep {
  let index = 0;
  let sensors: readonly SensorRow[] = [];
  let plugins: Readonly<Record<string, SensorReading>> = {};
  const step = Object.freeze(
    Object.defineProperties(
      {},
      {
        bar: { enumerable: true, get: () => cursor.bar },
        index: { enumerable: true, get: () => index },
        symbol: { enumerable: true, get: () => cursor.bar.symbol },
        sensors: { enumerable: true, get: () => sensors },
        plugins: { enumerable: true, get: () => plugins },
      },
    ),
  ) as PartialStep;
  return {
    step,
    set(i, rows, readings): void {
      index = i;
      sensors = rows;
      plugins = readings;
    },
  };
}
