import type { Bar, MarketBars, MarketBarsOptions, MarketData } from '@keel/contract';
import { HostError } from './errors.js';
import { BarRing } from './ring-window.js';

/** Bars kept per series when `market.history` is not set (raised to the largest plugin window). */
export const DEFAULT_MARKET_HISTORY = 5_000;
/** Series (symbols) kept when `market.maxSymbols` is not set. */
export const DEFAULT_MAX_SYMBOLS = 64;

export interface MarketHistoryOptions {
  /** Bars kept per series. */
  readonly history: number;
  /** When true `history` is the user's choice and plugin windows do not raise it. */
  readonly fixed: boolean;
  readonly maxSymbols: number;
}

/** Counters for `host.market()`. */
export interface MarketHistoryStats {
  /** Bars kept per series (the ring capacity). */
  readonly history: number;
  readonly symbols: readonly string[];
  /** Bars per series right now, keyed by symbol (`''` for bars without one). */
  readonly retained: Readonly<Record<string, number>>;
  /** Bars of symbols beyond `maxSymbols`: processed by plugins but not retained for `ctx.market`. */
  readonly droppedBars: number;
}

const EMPTY = new Float64Array(0);
const NO_AUX: Readonly<Record<string, Float64Array>> = Object.freeze({});

/**
 * The bars `ctx.market` reads: one bounded, preallocated `BarRing` per series (bars of one symbol),
 * written once per accepted bar. Pushing allocates nothing once a series' ring exists; reading
 * copies only the bars asked for.
 */
export class MarketHistory {
  private capacity: number;
  private readonly fixed: boolean;
  private readonly maxSymbols: number;
  /** Bars without a symbol. */
  private unnamed: BarRing | undefined;
  private readonly bySymbol = new Map<string, BarRing>();
  /** The series of the newest pushed bar: most feeds repeat it, so the map is rarely consulted. */
  private lastRing: BarRing | undefined;
  private lastSymbol: string | undefined;
  private dropped = 0;

  constructor(options: MarketHistoryOptions) {
    this.capacity = options.history;
    this.fixed = options.fixed;
    this.maxSymbols = options.maxSymbols;
  }

  /** Raises the default retention to a plugin's window (load time, never per bar). */
  fit(window: number): void {
    if (this.fixed || window <= this.capacity) return;
    this.capacity = window;
    this.unnamed?.ensureCapacity(window);
    for (const ring of this.bySymbol.values()) ring.ensureCapacity(window);
  }

  push(bar: Bar): void {
    let ring = this.lastRing;
    const symbol = bar.symbol;
    if (ring === undefined || symbol !== this.lastSymbol) {
      ring = this.ringFor(symbol, true);
      if (ring === undefined) {
        this.dropped++;
        return;
      }
      this.lastRing = ring;
      this.lastSymbol = symbol;
    }
    ring.push(bar);
  }

  /**
   * True when `bar` is later than the newest bar of its own series: bars of different symbols may
   * share a time, one symbol may not repeat one. Only consulted when the time equals the host's last.
   */
  isNewForSeries(bar: Bar): boolean {
    const ring = this.ringFor(bar.symbol, false);
    if (ring === undefined || ring.count === 0) return true;
    return (ring.time[ring.cursor] as number) < bar.time;
  }

  clear(): void {
    this.unnamed = undefined;
    this.bySymbol.clear();
    this.lastRing = undefined;
    this.lastSymbol = undefined;
    this.dropped = 0;
  }

  stats(): MarketHistoryStats {
    const retained: Record<string, number> = {};
    if (this.unnamed !== undefined) retained[''] = this.unnamed.count;
    for (const [symbol, ring] of this.bySymbol) retained[symbol] = ring.count;
    return {
      history: this.capacity,
      symbols: [...this.bySymbol.keys()],
      retained,
      droppedBars: this.dropped,
    };
  }

  /**
   * The `MarketData` plugins get. `asOf` (epoch ms) hides bars stamped later: a scheduled run's due
   * time. Without it the reader sees every accepted bar (the current bar during `onBar`).
   */
  reader(asOf?: number): MarketData {
    const limitTime = asOf ?? Number.POSITIVE_INFINITY;
    return Object.freeze({
      bars: (limit: number, options?: MarketBarsOptions): MarketBars => this.read(limit, options, limitTime),
      symbols: (): readonly string[] => Object.freeze([...this.bySymbol.keys()]),
    });
  }

  private read(limit: number, options: MarketBarsOptions | undefined, asOf: number): MarketBars {
    checkLimit(limit);
    const named = options !== undefined && options !== null && options.symbol !== undefined;
    const symbol = named ? checkSymbol(options.symbol) : this.lastSymbol;
    const ring = named ? this.ringFor(symbol, false) : this.lastRing;
    return ring === undefined ? emptyBars(symbol) : readRingBars(ring, limit, symbol, asOf, false);
  }

  private ringFor(symbol: string | undefined, create: boolean): BarRing | undefined {
    if (symbol === undefined) {
      if (this.unnamed === undefined && create) this.unnamed = new BarRing(this.capacity);
      return this.unnamed;
    }
    let ring = this.bySymbol.get(symbol);
    if (ring === undefined && create && this.bySymbol.size < this.maxSymbols) {
      ring = new BarRing(this.capacity);
      this.bySymbol.set(symbol, ring);
    }
    return ring;
  }
}

export function checkLimit(limit: number): void {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
    throw new HostError(
      'HOST_INVALID_ARGUMENT',
      `ctx.market.bars(limit): limit must be a non-negative integer (got ${String(limit)})`,
      { field: 'limit', value: limit, hint: 'pass how many of the newest bars you want, e.g. 50' },
    );
  }
}

export function checkSymbol(symbol: unknown): string {
  if (typeof symbol !== 'string' || symbol === '') {
    throw new HostError(
      'HOST_INVALID_ARGUMENT',
      `ctx.market.bars(): symbol must be a non-empty string (got ${String(symbol)})`,
      { field: 'symbol', value: symbol },
    );
  }
  return symbol;
}

/**
 * Copies the newest `limit` bars stamped at or before `asOf` out of a ring. With `filter`, only the
 * bars whose symbol is `symbol` (a ring that mixes series, such as a worker's window).
 */
export function readRingBars(
  ring: BarRing,
  limit: number,
  symbol: string | undefined,
  asOf: number,
  filter: boolean,
): MarketBars {
  if (ring.count === 0 || limit === 0) return emptyBars(symbol);
  const newest = ring.start(1);
  // Newest first: skip bars stamped after `asOf` (a scheduled run never sees past its due time).
  let skipped = 0;
  while (skipped < ring.count && (ring.time[newest - skipped] as number) > asOf) skipped++;
  if (filter) return readFiltered(ring, limit, symbol, newest - skipped, ring.count - skipped);
  const n = Math.min(limit, ring.count - skipped);
  if (n === 0) return emptyBars(symbol);
  const from = ring.start(skipped + n);
  const to = from + n;
  let aux: Record<string, Float64Array> | undefined;
  for (const col of ring.aux.values()) {
    const values = col.data.slice(from, to);
    if (!values.some((v) => !Number.isNaN(v))) continue;
    aux ??= {};
    aux[col.name] = values;
  }
  return Object.freeze({
    symbol,
    length: n,
    time: ring.time.slice(from, to),
    open: ring.open.slice(from, to),
    high: ring.high.slice(from, to),
    low: ring.low.slice(from, to),
    close: ring.close.slice(from, to),
    volume: ring.volume.slice(from, to),
    aux: aux === undefined ? NO_AUX : Object.freeze(aux),
  });
}

function readFiltered(
  ring: BarRing,
  limit: number,
  symbol: string | undefined,
  newest: number,
  available: number,
): MarketBars {
  const picked: number[] = [];
  for (let k = 0; k < available && picked.length < limit; k++) {
    if (ring.symbolAt(newest - k) === symbol) picked.push(newest - k);
  }
  picked.reverse();
  const n = picked.length;
  if (n === 0) return emptyBars(symbol);
  const take = (data: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = data[picked[i] as number] as number;
    return out;
  };
  let aux: Record<string, Float64Array> | undefined;
  for (const col of ring.aux.values()) {
    const values = take(col.data);
    if (!values.some((v) => !Number.isNaN(v))) continue;
    aux ??= {};
    aux[col.name] = values;
  }
  return Object.freeze({
    symbol,
    length: n,
    time: take(ring.time),
    open: take(ring.open),
    high: take(ring.high),
    low: take(ring.low),
    close: take(ring.close),
    volume: take(ring.volume),
    aux: aux === undefined ? NO_AUX : Object.freeze(aux),
  });
}

export function emptyBars(symbol: string | undefined): MarketBars {
  return Object.freeze({
    symbol,
    length: 0,
    time: EMPTY,
    open: EMPTY,
    high: EMPTY,
    low: EMPTY,
    close: EMPTY,
    volume: EMPTY,
    aux: NO_AUX,
  });
}
