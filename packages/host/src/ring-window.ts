import type { Bar, BarWindow, Series } from '@keel/contract';

export const BASE_COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
export type BaseColumn = (typeof BASE_COLUMNS)[number];

/**
 * The host's one bar history: a Float64Array column per field, sized to the largest window any
 * plugin asked for. Each value is written twice, at `i` and `i + capacity` ("mirrored" ring), so
 * the newest `n` values are always one contiguous range and `Series.values()` is a `subarray`
 * rather than a copy. Pushing a bar allocates nothing.
 */
export class BarRing {
  capacity: number;
  /** Bars held (at most `capacity`). */
  count = 0;
  /** Bars pushed since the last clear; windows use it to tell which aux columns are in range. */
  pushed = 0;
  /** Slot of the newest bar in `[0, capacity)`. */
  cursor = -1;
  /** Changes on every push, clear and growth; cached views compare against it. */
  version = 0;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /** The six base columns in `BASE_COLUMNS` order (same arrays as the named fields). */
  cols: Float64Array[];
  /** Aux columns appear the first time a bar carries them; bars without the key hold NaN. */
  readonly aux = new Map<string, AuxColumn>();
  private auxList: AuxColumn[] = [];
  private symbols: Array<string | undefined>;

  constructor(capacity: number) {
    this.capacity = Math.max(2, capacity);
    const size = this.capacity * 2;
    this.time = new Float64Array(size);
    this.open = new Float64Array(size);
    this.high = new Float64Array(size);
    this.low = new Float64Array(size);
    this.close = new Float64Array(size);
    this.volume = new Float64Array(size);
    this.cols = [this.time, this.open, this.high, this.low, this.close, this.volume];
    this.symbols = new Array<string | undefined>(this.capacity).fill(undefined);
  }

  push(bar: Bar): void {
    const cap = this.capacity;
    const c = this.cursor + 1 === cap ? 0 : this.cursor + 1;
    const m = c + cap;
    this.time[c] = this.time[m] = bar.time;
    this.open[c] = this.open[m] = bar.open;
    this.high[c] = this.high[m] = bar.high;
    this.low[c] = this.low[m] = bar.low;
    this.close[c] = this.close[m] = bar.close;
    this.volume[c] = this.volume[m] = bar.volume;
    this.symbols[c] = bar.symbol;
    const aux = bar.aux;
    if (aux !== undefined) this.pushAux(aux, c, m);
    else if (this.auxList.length > 0) for (const col of this.auxList) col.data[c] = col.data[m] = Number.NaN;
    this.cursor = c;
    this.pushed++;
    this.version++;
    if (this.count < cap) this.count++;
  }

  private pushAux(aux: Readonly<Record<string, number>>, c: number, m: number): void {
    for (const key in aux) {
      if (!Object.hasOwn(aux, key) || this.aux.has(key)) continue;
      const col: AuxColumn = {
        name: key,
        data: new Float64Array(this.capacity * 2).fill(Number.NaN),
        lastSeen: 0,
      };
      this.aux.set(key, col);
      this.auxList.push(col);
    }
    for (const col of this.auxList) {
      const v = Object.hasOwn(aux, col.name) ? (aux[col.name] as number) : Number.NaN;
      col.data[c] = col.data[m] = v;
      if (!Number.isNaN(v)) col.lastSeen = this.pushed + 1;
    }
  }

  /** Index in the doubled arrays of the oldest of the newest `length` bars. */
  start(length: number): number {
    return this.cursor + this.capacity - length + 1;
  }

  symbolAt(physical: number): string | undefined {
    return this.symbols[physical % this.capacity];
  }

  column(name: BaseColumn): Float64Array {
    return this[name];
  }

  clear(): void {
    this.count = 0;
    this.pushed = 0;
    this.cursor = -1;
    this.version++;
    this.aux.clear();
    this.auxList = [];
    this.symbols.fill(undefined);
  }

  /** Grows the ring (at load time, never per bar), keeping the bars it holds. */
  ensureCapacity(capacity: number): void {
    if (capacity <= this.capacity) return;
    const old = this.capacity;
    const keep = this.count;
    const from = this.start(keep);
    const grow = (src: Float64Array): Float64Array => {
      const dst = new Float64Array(capacity * 2);
      const part = src.subarray(from, from + keep);
      dst.set(part, 0);
      dst.set(part, capacity);
      return dst;
    };
    this.time = grow(this.time);
    this.open = grow(this.open);
    this.high = grow(this.high);
    this.low = grow(this.low);
    this.close = grow(this.close);
    this.volume = grow(this.volume);
    this.cols = [this.time, this.open, this.high, this.low, this.close, this.volume];
    for (const col of this.auxList) {
      const dst = grow(col.data);
      dst.fill(Number.NaN, keep, capacity);
      dst.fill(Number.NaN, capacity + keep);
      col.data = dst;
    }
    const symbols = new Array<string | undefined>(capacity).fill(undefined);
    for (let i = 0; i < keep; i++) symbols[i] = this.symbols[(from + i) % old];
    this.symbols = symbols;
    this.capacity = capacity;
    this.cursor = keep - 1;
    this.version++;
  }

  /**
   * Typed arrays cannot be made read-only, so a plugin can write into `values()`. Because every
   * value is mirrored and every window lies inside `[cursor + 1, cursor + capacity]`, the mirror of
   * a visible value is never visible: compare, repair, and report the first damaged column.
   */
  repairWindow(length: number): string | undefined {
    let damaged: string | undefined;
    const cap = this.capacity;
    const from = this.start(length);
    const check = (name: string, data: Float64Array): void => {
      for (let p = from; p < from + length; p++) {
        const q = p >= cap ? p - cap : p + cap;
        const a = data[p] as number;
        const b = data[q] as number;
        if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) {
          data[p] = b;
          damaged ??= name;
        }
      }
    };
    for (const name of BASE_COLUMNS) check(name, this[name]);
    for (const col of this.auxList) check(`aux.${col.name}`, col.data);
    return damaged;
  }
}

export interface AuxColumn {
  readonly name: string;
  data: Float64Array;
  /** `pushed` count of the newest bar that carried a value (0: none). */
  lastSeen: number;
}

/** A plugin's view of the ring: created once at load, valid for every bar. */
export class RingWindow implements BarWindow {
  readonly capacity: number;
  readonly time: Series;
  readonly open: Series;
  readonly high: Series;
  readonly low: Series;
  readonly close: Series;
  readonly volume: Series;
  private readonly ring: BarRing;
  private readonly auxSeries = new Map<string, RingSeries>();

  constructor(ring: BarRing, capacity: number) {
    this.ring = ring;
    this.capacity = capacity;
    this.time = new RingSeries(ring, capacity, 0, undefined);
    this.open = new RingSeries(ring, capacity, 1, undefined);
    this.high = new RingSeries(ring, capacity, 2, undefined);
    this.low = new RingSeries(ring, capacity, 3, undefined);
    this.close = new RingSeries(ring, capacity, 4, undefined);
    this.volume = new RingSeries(ring, capacity, 5, undefined);
  }

  get length(): number {
    const n = this.ring.count;
    return Math.min(n, this.capacity);
  }

  at(index: number): Bar | undefined {
    const len = this.length;
    let k = Math.trunc(index) || 0;
    if (k < 0) k += len;
    if (!(k >= 0 && k < len)) return undefined;
    const ring = this.ring;
    const p = ring.start(len) + k;
    let aux: Record<string, number> | undefined;
    for (const col of ring.aux.values()) {
      const v = col.data[p] as number;
      if (Number.isNaN(v)) continue;
      aux ??= {};
      aux[col.name] = v;
    }
    const symbol = ring.symbolAt(p);
    return Object.freeze({
      time: ring.time[p] as number,
      open: ring.open[p] as number,
      high: ring.high[p] as number,
      low: ring.low[p] as number,
      close: ring.close[p] as number,
      volume: ring.volume[p] as number,
      ...(symbol === undefined ? {} : { symbol }),
      ...(aux === undefined ? {} : { aux: Object.freeze(aux) }),
    });
  }

  aux(name: string): Series | undefined {
    const ring = this.ring;
    const col = ring.aux.get(name);
    // "In the window" means one of the newest `length` bars carried the key.
    if (col === undefined || col.lastSeen === 0 || col.lastSeen <= ring.pushed - this.length)
      return undefined;
    let series = this.auxSeries.get(name);
    if (series === undefined || series.auxColumn !== col) {
      series = new RingSeries(ring, this.capacity, -1, col);
      this.auxSeries.set(name, series);
    }
    return series;
  }
}

// The hot read path of every plugin: no closures, no getters, integer fast path.
class RingSeries implements Series {
  private readonly ring: BarRing;
  private readonly cap: number;
  private readonly k: number;
  readonly auxColumn: AuxColumn | undefined;
  private cached: Float64Array | undefined;
  private cachedVersion = -1;

  constructor(ring: BarRing, cap: number, k: number, auxColumn: AuxColumn | undefined) {
    this.ring = ring;
    this.cap = cap;
    this.k = k;
    this.auxColumn = auxColumn;
  }

  get length(): number {
    const n = this.ring.count;
    return Math.min(n, this.cap);
  }

  private data(): Float64Array {
    return this.auxColumn === undefined ? (this.ring.cols[this.k] as Float64Array) : this.auxColumn.data;
  }

  at(index: number): number | undefined {
    const ring = this.ring;
    const n = ring.count;
    const len = Math.min(n, this.cap);
    let k = Math.trunc(index) || 0;
    if (k < 0) k += len;
    if (!(k >= 0 && k < len)) return undefined;
    return this.data()[ring.cursor + ring.capacity - len + 1 + k];
  }

  get(index: number): number {
    const ring = this.ring;
    const n = ring.count;
    const len = Math.min(n, this.cap);
    const k = index < 0 ? index + len : index;
    // A fractional index reads `undefined` from the typed array and takes the slow path.
    const v = k >= 0 && k < len ? this.data()[ring.cursor + ring.capacity - len + 1 + k] : undefined;
    return v === undefined ? this.getSlow(index, len) : v;
  }

  // Kept out of `get` so that `get` stays small enough to inline into plugins.
  private getSlow(index: number, len: number): number {
    const v = this.at(index);
    if (v === undefined)
      throw new RangeError(`window index ${index} is outside 0..${len - 1} (or -${len}..-1)`);
    return v;
  }

  values(): Float64Array {
    const ring = this.ring;
    // One subarray per bar at most, shared by repeated calls within the bar.
    if (this.cached !== undefined && this.cachedVersion === ring.version) return this.cached;
    const n = ring.count;
    const len = Math.min(n, this.cap);
    const from = ring.start(len);
    this.cached = this.data().subarray(from, from + len);
    this.cachedVersion = ring.version;
    return this.cached;
  }
}
