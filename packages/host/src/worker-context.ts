import type { MessagePort } from 'node:worker_threads';
import {
  type Bus,
  type BusEvent,
  type Cache,
  checkJsonSafe,
  type EventHandler,
  type HostContext,
  type JsonValue,
  type LogFields,
  type Logger,
  type MarketBars,
  type MarketBarsOptions,
  type MarketData,
  type Rpc,
  type RpcHandler,
  type Unsubscribe,
} from '@keel/contract';
import { describeThrown, HostError, type HostErrorCode } from './errors.js';
import { checkLimit, checkSymbol, emptyBars, readRingBars } from './market-history.js';
import type { BarRing } from './ring-window.js';
import { BusError, CacheError, RpcError } from './services/errors.js';
import {
  type HostMessage,
  type LogLevelName,
  type ServiceOp,
  toWireError,
  type WireError,
  type WorkerMessage,
} from './worker-protocol.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The worker side of a plugin's services: a `ctx` whose members are forwarded over the worker's
 * port to the host's real bus, RPC registry, cache and logger (request/response with ids), plus
 * the dispatch of what the host sends back (replies, events, RPC invocations).
 */
export class WorkerServices {
  readonly ctx: HostContext;
  private readonly port: MessagePort;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subscriptions = new Map<number, EventHandler>();
  private readonly handlers = new Map<string, RpcHandler>();
  private readonly invocations = new Map<number, AbortController>();
  /** `rpc.register` is answered asynchronously: setup waits for these before reporting ready. */
  private registrations: Array<Promise<unknown>> = [];
  private clockNow: number;
  /** The worker's copy of the plugin's window: what `ctx.market` can read in this thread. */
  private ring: BarRing | undefined;

  constructor(input: {
    port: MessagePort;
    pluginId: string;
    config: unknown;
    now: number;
    signal: () => AbortSignal;
  }) {
    this.port = input.port;
    this.clockNow = input.now;
    const signal = input.signal;
    this.ctx = Object.freeze({
      pluginId: input.pluginId,
      config: input.config,
      log: this.logger(),
      bus: this.bus(),
      rpc: this.rpc(),
      cache: this.cache(),
      clock: Object.freeze({ now: () => this.clockNow }),
      market: this.market(),
      get signal(): AbortSignal {
        return signal();
      },
    });
  }

  /** Backs `ctx.market` with the worker's window ring. */
  attachRing(ring: BarRing): void {
    this.ring = ring;
  }

  // Synchronous reads cannot cross to the host thread: a worker plugin's `ctx.market` serves the
  // bars it was sent (its own window, at most `manifest.window` of them), filtered by symbol.
  private market(): MarketData {
    const read = (limit: number, options?: MarketBarsOptions): MarketBars => {
      checkLimit(limit);
      const ring = this.ring;
      const newest = ring === undefined || ring.count === 0 ? undefined : ring.symbolAt(ring.start(1));
      const symbol = options?.symbol === undefined ? newest : checkSymbol(options.symbol);
      if (ring === undefined) return emptyBars(symbol);
      return readRingBars(ring, limit, symbol, Number.POSITIVE_INFINITY, true);
    };
    return Object.freeze({
      bars: read,
      symbols: (): readonly string[] => {
        const ring = this.ring;
        const seen = new Set<string>();
        if (ring !== undefined) {
          for (let k = ring.count; k >= 1; k--) {
            const s = ring.symbolAt(ring.start(k));
            if (s !== undefined) seen.add(s);
          }
        }
        return Object.freeze([...seen]);
      },
    });
  }

  /** The host's clock as of the message being handled (bar time in a replay). */
  setNow(now: number): void {
    this.clockNow = now;
  }

  post(message: WorkerMessage): void {
    this.port.postMessage(message);
  }

  /** Waits for every `rpc.register` made so far; rejects with the first refusal (e.g. a taken name). */
  async settleRegistrations(): Promise<void> {
    const list = this.registrations;
    this.registrations = [];
    await Promise.all(list);
  }

  /** Dispatches a service message from the host; returns false for messages that are not about services. */
  handle(message: HostMessage): boolean {
    switch (message.t) {
      case 'reply': {
        const waiter = this.pending.get(message.id);
        if (waiter === undefined) return true;
        this.pending.delete(message.id);
        if (message.ok) waiter.resolve(message.value);
        else waiter.reject(fromWireError(message.error));
        return true;
      }
      case 'event': {
        this.clockNow = message.now;
        const handler = this.subscriptions.get(message.sub);
        if (handler !== undefined) void this.deliver(handler, message.event);
        return true;
      }
      case 'invoke':
        this.clockNow = message.now;
        void this.invoke(message.id, message.name, message.payload, message.caller);
        return true;
      case 'uninvoke':
        this.invocations
          .get(message.id)
          ?.abort(new RpcError('RPC_ABORTED', 'the caller stopped waiting for this call'));
        return true;
      default:
        return false;
    }
  }

  private async deliver(handler: EventHandler, event: BusEvent): Promise<void> {
    try {
      await handler(event);
    } catch (error) {
      // The host bus counts handler errors it sees; this one ran in another thread, so say it here.
      this.log('error', 'event handler threw', { type: event.type, error: describeThrown(error) });
    }
  }

  private async invoke(id: number, name: string, payload: JsonValue, caller: string): Promise<void> {
    const handler = this.handlers.get(name);
    const controller = new AbortController();
    this.invocations.set(id, controller);
    try {
      if (handler === undefined)
        throw new RpcError('RPC_UNKNOWN_METHOD', `no RPC method ${JSON.stringify(name)} in this worker`);
      const value = await handler(payload, { caller, signal: controller.signal });
      this.post({ t: 'invoked', id, ok: true, value });
    } catch (error) {
      this.post({ t: 'invoked', id, ok: false, error: toWireError(error, describeThrown) });
    } finally {
      this.invocations.delete(id);
    }
  }

  private request(op: ServiceOp, args: readonly unknown[], signal?: AbortSignal): Promise<unknown> {
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason instanceof Error ? signal.reason : new RpcError('RPC_ABORTED', 'aborted'));
        return;
      }
      const onAbort = (): void => {
        if (!this.pending.delete(id)) return;
        this.post({ t: 'unrequest', id });
        reject(signal?.reason instanceof Error ? signal.reason : new RpcError('RPC_ABORTED', 'aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (value) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      try {
        this.post({ t: 'request', id, op, args });
      } catch (error) {
        // A payload structured clone cannot copy (a function, a symbol): refuse it here.
        this.pending.delete(id);
        signal?.removeEventListener('abort', onAbort);
        reject(
          new HostError(
            'HOST_SERVICE_UNAVAILABLE',
            `${op}: arguments cannot be sent to the host: ${describeThrown(error)}`,
          ),
        );
      }
    });
  }

  log(level: LogLevelName, msg: string, fields?: LogFields): void {
    const text = String(msg);
    try {
      this.post({ t: 'log', level, msg: text, fields });
    } catch {
      // Fields structured clone cannot copy (functions, class instances with private state).
      this.post({ t: 'log', level, msg: text, fields: loggable(fields) });
    }
  }

  private logger(): Logger {
    return Object.freeze({
      debug: (msg: string, fields?: LogFields) => this.log('debug', msg, fields),
      info: (msg: string, fields?: LogFields) => this.log('info', msg, fields),
      warn: (msg: string, fields?: LogFields) => this.log('warn', msg, fields),
      error: (msg: string, fields?: LogFields) => this.log('error', msg, fields),
    });
  }

  private bus(): Bus {
    let nextSub = 1;
    return Object.freeze({
      publish: (type: string, data: JsonValue): void => {
        // Same synchronous refusal as the in-process bus; the type is checked by the host's bus
        // (a refusal there is logged, since publish never waits for the host).
        const check = checkJsonSafe(data, { root: 'data' });
        if (!check.ok) {
          throw new BusError('BUS_NOT_JSON_SAFE', `event ${String(type)}: ${check.path} ${check.reason}`, {
            field: check.path,
            value: type,
          });
        }
        this.post({ t: 'publish', type, data });
      },
      on: (pattern: string, handler: EventHandler): Unsubscribe => {
        if (typeof handler !== 'function')
          throw new BusError('BUS_INVALID_PATTERN', 'bus.on needs a handler function', { field: 'handler' });
        const sub = nextSub++;
        this.subscriptions.set(sub, handler);
        this.post({ t: 'subscribe', sub, pattern });
        return () => {
          if (this.subscriptions.delete(sub)) this.post({ t: 'unsubscribe', sub });
        };
      },
    });
  }

  private rpc(): Rpc {
    return Object.freeze({
      register: (name: string, handler: RpcHandler): Unsubscribe => {
        if (typeof handler !== 'function')
          throw new RpcError('RPC_INVALID_NAME', 'rpc.register needs a handler function', {
            field: 'handler',
          });
        if (this.handlers.has(name))
          throw new RpcError('RPC_NAME_TAKEN', `RPC method ${JSON.stringify(name)} is already registered`, {
            field: 'name',
            value: name,
          });
        this.handlers.set(name, handler);
        const done = this.request('rpc.register', [name]).catch((error: unknown) => {
          this.handlers.delete(name);
          throw error;
        });
        // Outside setup nobody awaits the registration: a refusal is logged rather than lost.
        done.catch((error: unknown) =>
          this.log('error', 'rpc.register failed', { name, error: describeThrown(error) }),
        );
        this.registrations.push(done);
        return () => {
          if (this.handlers.get(name) !== handler) return;
          this.handlers.delete(name);
          this.post({ t: 'unregister', name });
        };
      },
      call: <T extends JsonValue = JsonValue>(
        name: string,
        payload?: JsonValue,
        options?: { timeoutMs?: number; signal?: AbortSignal },
      ): Promise<T> => {
        const wire = options?.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
        return this.request('rpc.call', [name, payload ?? null, wire], options?.signal) as Promise<T>;
      },
    });
  }

  private cache(): Cache {
    return Object.freeze({
      get: <T extends JsonValue = JsonValue>(ns: string, key: string) =>
        this.request('cache.get', [ns, key]) as Promise<T | undefined>,
      put: (ns: string, key: string, value: JsonValue, options?: { ttlMs?: number }) =>
        this.request('cache.put', [ns, key, value, options ?? {}]) as Promise<void>,
      delete: (ns: string, key: string) => this.request('cache.delete', [ns, key]) as Promise<boolean>,
      clear: (ns?: string) => this.request('cache.clear', ns === undefined ? [] : [ns]) as Promise<void>,
    });
  }
}

/** Rebuilds a host-side failure as the error class the same code has in-process. */
export function fromWireError(wire: WireError): Error {
  const code = wire.code;
  if (code?.startsWith('RPC_')) return new RpcError(code as never, wire.message);
  if (code?.startsWith('CACHE_')) return new CacheError(code as never, wire.message);
  if (code?.startsWith('BUS_')) return new BusError(code as never, wire.message);
  if (code?.startsWith('HOST_')) return new HostError(code as HostErrorCode, wire.message);
  const error = new Error(wire.message);
  error.name = wire.name;
  return error;
}

function loggable(fields: LogFields | undefined): Record<string, unknown> | undefined {
  if (fields === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    try {
      out[key] = JSON.parse(
        JSON.stringify(fields[key], (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? 'null',
      );
    } catch {
      out[key] = '[unserializable]';
    }
  }
  return out;
}
