import type { Bar } from './bar.js';

/**
 * A read-only numeric column of a {@link BarWindow}, oldest first. Valid only for the duration of the
 * `onBar` call that received it: the host reuses the underlying buffer for the next bar.
 */
export interface Series {
  readonly length: number;
  /** Like `Array.prototype.at`: `0` is the oldest bar in the window, `-1` the current bar. */
  at(index: number): number | undefined;
  /** Same indexing as `at`, but throws a `RangeError` outside the window (handy in numeric loops). */
  get(index: number): number;
  /**
   * The column as a contiguous `Float64Array` view, oldest first, without copying the history.
   * Do not write to it and do not keep it past the current call.
   */
  values(): Float64Array;
}

/**
 * The rolling window a bar sensor reads: newest bar last, the current bar included, at most
 * `manifest.window` bars. Read-only; backed by the host's shared ring buffer (no copy per bar).
 */
export interface BarWindow {
  readonly length: number;
  /** The most bars this window can hold (`manifest.window`). */
  readonly capacity: number;
  /** The bar at `index` (negative counts from the newest), or `undefined` outside the window. */
  at(index: number): Bar | undefined;
  readonly time: Series;
  readonly open: Series;
  readonly high: Series;
  readonly low: Series;
  readonly close: Series;
  readonly volume: Series;
  /** An `aux` column such as `vix`, if any bar in the window carried it (NaN where a bar lacked it). */
  aux(name: string): Series | undefined;
}
