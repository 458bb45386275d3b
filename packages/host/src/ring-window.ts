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
  /** One span per distinct window length, re-pointed on every push (see {@link WindowSpan}). */
  private readonly spans = new Map<number, WindowSpan>();
  private spanList: WindowSpan[] = [];
  /** Shared `values()` views per base column and window length (`k * 2^32 + length` keys). */
  private readonly baseViews = new Map<number, ColumnViews>();
  /** Shared `values()` views of aux columns, per column and window length. */
  private auxViews = new Map<AuxColumn, Map<number, ColumnViews>>();
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
    const spans = this.spanList;
    for (let i = 0; i < spans.length; i++) (spans[i] as WindowSpan).point(this);
  }

  /** The shared span of every window of `capacity` bars on this ring. */
  span(capacity: number): WindowSpan {
    let span = this.spans.get(capacity);
    if (span === undefined) {
      span = new WindowSpan(capacity);
      span.point(this);
      this.spans.set(capacity, span);
      this.spanList = [...this.spans.values()];
    }
    return span;
  }

  /** The shared view cache of a base column (`k` in `BASE_COLUMNS` order) for windows of `span`. */
  baseColumnViews(k: number, span: WindowSpan): ColumnViews {
    const key = k * 2 ** 32 + span.capacity;
    let views = this.baseViews.get(key);
    if (views === undefined) {
      views = new ColumnViews(this.cols[k] as Float64Array, span, this.capacity);
      this.baseViews.set(key, views);
    }
    return views;
  }

  /** The shared view cache of an aux column for windows of `span`. */
  auxColumnViews(col: AuxColumn, span: WindowSpan): ColumnViews {
    let byLength = this.auxViews.get(col);
    if (byLength === undefined) {
      byLength = new Map();
      this.auxViews.set(col, byLength);
    }
    let views = byLength.get(span.capacity);
    if (views === undefined) {
      views = new ColumnViews(col.data, span, this.capacity);
      byLength.set(span.capacity, views);
    }
    return views;
  }

  private pointSpans(): void {
    for (const span of this.spanList) span.point(this);
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
    this.auxViews = new Map();
    this.symbols.fill(undefined);
    this.pointSpans();
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
    // The columns are new arrays: every shared view cache re-targets them (load time only).
    for (const [key, views] of this.baseViews)
      views.retarget(this.cols[Math.floor(key / 2 ** 32)] as Float64Array, capacity);
    for (const [col, byLength] of this.auxViews)
      for (const views of byLength.values()) views.retarget(col.data, capacity);
    this.pointSpans();
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

/**
 * Where the newest `min(count, capacity)` bars of a window of `capacity` bars lie in the ring's
 * doubled arrays. One per distinct window length, shared by every plugin with that window and
 * re-pointed by the ring on each push, so a read is two field loads and an add: no per-call
 * arithmetic on the ring's cursor, no allocation.
 */
export class WindowSpan {
  readonly capacity: number;
  /** Bars visible now. */
  length = 0;
  /** Index in the doubled arrays of the oldest visible bar. */
  base = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  point(ring: BarRing): void {
    const n = ring.count;
    const len = Math.min(n, this.capacity);
    this.length = len;
    this.base = ring.cursor + ring.capacity - len + 1;
  }
}

// Views at most this many per column and window length are kept for reuse (≈ 100 bytes each).
const MAX_POOLED_VIEWS = 8192;

/**
 * The `values()` views of one column for one window length, shared by every plugin with that
 * window. A view is built at most once per bar, and once the window is full the view for each ring
 * position is kept: after `ring.capacity` bars `values()` allocates nothing at all, whatever the
 * number of plugins or calls (up to {@link MAX_POOLED_VIEWS} positions; a larger ring builds one
 * view per bar, still shared).
 */
export class ColumnViews {
  data: Float64Array;
  private readonly span: WindowSpan;
  private current: Float64Array;
  private version = -1;
  /** Full-window views by ring cursor. */
  private pool: Array<Float64Array | undefined>;

  constructor(data: Float64Array, span: WindowSpan, ringCapacity: number) {
    this.data = data;
    this.span = span;
    this.current = data.subarray(0, 0);
    this.pool = ringCapacity <= MAX_POOLED_VIEWS ? new Array(ringCapacity) : [];
  }

  retarget(data: Float64Array, ringCapacity: number): void {
    this.data = data;
    this.version = -1;
    this.pool = ringCapacity <= MAX_POOLED_VIEWS ? new Array(ringCapacity) : [];
  }

  get(ring: BarRing): Float64Array {
    if (this.version === ring.version) return this.current;
    this.version = ring.version;
    const span = this.span;
    const len = span.length;
    const from = span.base;
    if (len !== span.capacity || this.pool.length === 0) {
      this.current = this.data.subarray(from, from + len);
      return this.current;
    }
    const c = ring.cursor;
    let view = this.pool[c];
    if (view === undefined) {
      view = this.data.subarray(from, from + len);
      this.pool[c] = view;
    }
    this.current = view;
    return view;
  }
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
  private readonly span: WindowSpan;
  private readonly auxSeries = new Map<string, RingSeries>();

  constructor(ring: BarRing, capacity: number) {
    this.ring = ring;
    this.capacity = capacity;
    const span = ring.span(capacity);
    this.span = span;
    this.time = new RingSeries(ring, span, ring.baseColumnViews(0, span), undefined);
    this.open = new RingSeries(ring, span, ring.baseColumnViews(1, span), undefined);
    this.high = new RingSeries(ring, span, ring.baseColumnViews(2, span), undefined);
    this.low = new RingSeries(ring, span, ring.baseColumnViews(3, span), undefined);
    this.close = new RingSeries(ring, span, ring.baseColumnViews(4, span), undefined);
    this.volume = new RingSeries(ring, span, ring.baseColumnViews(5, span), undefined);
  }

  get length(): number {
    return this.span.length;
  }

  at(index: number): Bar | undefined {
    const len = this.span.length;
    let k = Math.trunc(index) || 0;
    if (k < 0) k += len;
    if (!(k >= 0 && k < len)) return undefined;
    const ring = this.ring;
    const p = this.span.base + k;
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
    if (col === undefined || col.lastSeen === 0 || col.lastSeen <= ring.pushed - this.span.length)
      return undefined;
    let series = this.auxSeries.get(name);
    if (series === undefined || series.auxColumn !== col) {
      series = new RingSeries(ring, this.span, ring.auxColumnViews(col, this.span), col);
      this.auxSeries.set(name, series);
    }
    return series;
  }
}

// The hot read path of every plugin: no closures, no getters on the ring, no per-call arithmetic
// beyond the index. `get` is a handful of loads that the compiler inlines into a plugin's loop
// (and hoists out of it, since nothing in the loop writes the span).
class RingSeries implements Series {
  private readonly ring: BarRing;
  private readonly span: WindowSpan;
  private readonly views: ColumnViews;
  readonly auxColumn: AuxColumn | undefined;

  constructor(ring: BarRing, span: WindowSpan, views: ColumnViews, auxColumn: AuxColumn | undefined) {
    this.ring = ring;
    this.span = span;
    this.views = views;
    this.auxColumn = auxColumn;
  }

  get length(): number {
    return this.span.length;
  }

  at(index: number): number | undefined {
    const span = this.span;
    const len = span.length;
    let k = Math.trunc(index) || 0;
    if (k < 0) k += len;
    if (!(k >= 0 && k < len)) return undefined;
    return this.views.data[span.base + k];
  }

  get(index: number): number {
    const span = this.span;
    const len = span.length;
    const k = index < 0 ? index + len : index;
    // A fractional index reads `undefined` from the typed array and takes the slow path.
    if (k >= 0 && k < len) {
      const v = this.views.data[span.base + k];
      if (v !== undefined) return v;
    }
    return this.getSlow(index);
  }

  // Kept out of `get` so that `get` stays small enough to inline into plugins.
  private getSlow(index: number): number {
    const v = this.at(index);
    if (v === undefined) {
      const len = this.span.length;
      throw new RangeError(`window index ${index} is outside 0..${len - 1} (or -${len}..-1)`);
    }
    return v;
  }

  values(): Float64Array {
    return this.views.get(this.ring);
  }
}
