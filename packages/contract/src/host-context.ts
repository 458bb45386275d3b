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

/** The one context object every hook receives. New capabilities are added here, never as parameters. */
export interface HostContext<Config = unknown> {
  readonly pluginId: string;
  readonly config: Config;
  readonly log: Logger;
  readonly bus: Bus;
  readonly rpc: Rpc;
  readonly cache: Cache;
  readonly clock: Clock;
  /** Aborted when the plugin is unloaded or its current call exceeds its budget. */
  readonly signal: AbortSignal;
}
