import type { JsonValue } from './json-safe.js';

export type LogFields = Record<string, unknown>;

/** Structured logger scoped to one plugin. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** An event on the bus. `source` is the publishing plugin's id (or `host`). `time` is epoch ms. */
export interface BusEvent<T extends JsonValue = JsonValue> {
  readonly type: string;
  readonly data: T;
  readonly source: string;
  readonly time: number;
}

export type EventHandler = (event: BusEvent) => void | Promise<void>;
export type Unsubscribe = () => void;

export interface Bus {
  /** Queues the event for delivery; never blocks and never throws because of a handler. */
  publish(type: string, data: JsonValue): void;
  /** `pattern` is an exact type, `prefix.*` or `*`. */
  on(pattern: string, handler: EventHandler): Unsubscribe;
}

export interface RpcCallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RpcMeta {
  /** Who called: a plugin id, or `host` / `api`. */
  readonly caller: string;
  readonly signal: AbortSignal;
}

export type RpcHandler = (payload: JsonValue, meta: RpcMeta) => JsonValue | Promise<JsonValue>;

export interface Rpc {
  /** One owner per name: registering a taken name throws. */
  register(name: string, handler: RpcHandler): Unsubscribe;
  /** Rejects with distinct codes for an unknown name, a timeout and a handler failure. */
  call<T extends JsonValue = JsonValue>(
    name: string,
    payload?: JsonValue,
    options?: RpcCallOptions,
  ): Promise<T>;
}

export interface CachePutOptions {
  ttlMs?: number;
}

/**
 * Persistent key-value store, namespaced per plugin by the host: `ns` is a sub-namespace inside
 * the calling plugin's own space, so plugins never see each other's keys. Values must be JSON-safe.
 */
export interface Cache {
  get<T extends JsonValue = JsonValue>(ns: string, key: string): Promise<T | undefined>;
  put(ns: string, key: string, value: JsonValue, options?: CachePutOptions): Promise<void>;
  delete(ns: string, key: string): Promise<boolean>;
  /** Clears one sub-namespace, or all of this plugin's entries when `ns` is omitted. */
  clear(ns?: string): Promise<void>;
}

/** The host's notion of now: the wall clock live, bar time in a replay. */
export interface Clock {
  now(): number;
}

/** Which series {@link MarketData.bars} reads. */
export interface MarketBarsOptions {
  /**
   * The symbol whose history to read (bars carry it as `bar.symbol`). Omitted: the series of the
   * newest bar the host accepted (for a one-series host, that series).
   */
  readonly symbol?: string;
}

/**
 * Recent bars of one series as columns, oldest first, the newest last. Every array is a fresh copy
 * owned by the caller (safe to keep, to hand to a worker or to mutate); `length` may be below the
 * requested limit, and is 0 for a symbol the host has not seen.
 */
export interface MarketBars {
  /** The series read (`undefined`: bars that carry no symbol). */
  readonly symbol: string | undefined;
  readonly length: number;
  /** Bar start times, epoch ms, strictly increasing. */
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** Every `aux` column seen in the range (e.g. `vix`); NaN where a bar lacked the key. */
  readonly aux: Readonly<Record<string, Float64Array>>;
}

/**
 * Read-only access to the host's recent bars, for every hook (bar sensors, `setup`, handlers,
 * scheduled jobs). Never returns a bar after the bar being processed, and in a scheduled run never
 * one stamped after the run's due time.
 */
export interface MarketData {
  /**
   * The newest `limit` bars (a non-negative integer; fewer when the host holds fewer) of one series.
   * A symbol the host has not seen gives an empty result (`length: 0`), not an error.
   * O(limit) per call; a bar sensor's own `window` remains the zero-copy way to read its window.
   */
  bars(limit: number, options?: MarketBarsOptions): MarketBars;
  /** Symbols with a retained history, in first-seen order (bars without a symbol are not listed). */
  symbols(): readonly string[];
}

/** The one context object every hook receives. New capabilities are added here, never as parameters. */
export interface HostContext<Config = unknown> {
  readonly pluginId: string;
  readonly config: Config;
  readonly log: Logger;
  readonly bus: Bus;
  readonly rpc: Rpc;
  readonly cache: Cache;
  readonly clock: Clock;
  /** Recent bars of the host's series (see {@link MarketData}). */
  readonly market: MarketData;
  /** Aborted when the plugin is unloaded or its current call exceeds its budget. */
  readonly signal: AbortSignal;
}
