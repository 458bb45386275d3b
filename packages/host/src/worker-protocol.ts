import type { Bar, BusEvent, JsonValue, SensorReading, SensorRow } from '@keel/contract';
import type { LoadErrorCode, LoadPhase } from './plugin-loader.js';

// The messages between the host and a plugin's worker thread. Everything here is plain data (the
// structured-clone subset that JSON also has, plus the bars' numbers): functions cannot cross threads.
// Each worker serves one plugin, and the host sends at most one `bar` at a time.

/** `workerData` of a plugin worker: what it needs to load the plugin by itself. */
export interface WorkerInit {
  /** The module to import: a `file:` URL, or a package name the worker resolves. */
  readonly url: string;
  /** The specifier the app gave, for messages. */
  readonly source: string;
  /** The id the host validated; the worker refuses a module that yields another. */
  readonly pluginId: string;
  /** The raw app config, parsed in the worker with the plugin's own schema. */
  readonly config: unknown;
  readonly lifecycleTimeoutMs: number;
  /** The host clock at spawn: `ctx.clock.now()` until the first message. */
  readonly now: number;
}

/** A failure the host's services raised, rebuilt on the other side as an error with the same code. */
export interface WireError {
  readonly name: string;
  readonly code: string | undefined;
  readonly message: string;
}

/** Services the worker's `ctx` reaches through request/response. */
export type ServiceOp =
  | 'rpc.call'
  | 'rpc.register'
  | 'cache.get'
  | 'cache.put'
  | 'cache.delete'
  | 'cache.clear';

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

/** Host → worker. */
export type HostMessage =
  | {
      /** Run `onBar` on the newest of `bars` (after pushing them; `reset` clears the window first). */
      readonly t: 'bar';
      readonly id: number;
      readonly reset: boolean;
      readonly bars: readonly Bar[];
      readonly index: number;
      /** The partial step of the earlier layers. */
      readonly sensors: readonly SensorRow[];
      readonly plugins: Readonly<Record<string, SensorReading>>;
      readonly now: number;
    }
  /** Cancel the running `bar` call: its signal is aborted. */
  | { readonly t: 'abort'; readonly id: number; readonly reason: string }
  /** Data reload: clear the window and call the plugin's `reset()`. */
  | { readonly t: 'reset'; readonly now: number }
  /** Unload: abort the lifetime signal and run `dispose()`; the host terminates the thread after. */
  | { readonly t: 'dispose'; readonly now: number }
  /** The answer to a worker `request`. */
  | { readonly t: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly t: 'reply'; readonly id: number; readonly ok: false; readonly error: WireError }
  /** An event for a subscription the worker made with `ctx.bus.on`. */
  | { readonly t: 'event'; readonly sub: number; readonly event: BusEvent; readonly now: number }
  /** An RPC call for a method the worker registered. */
  | {
      readonly t: 'invoke';
      readonly id: number;
      readonly name: string;
      readonly payload: JsonValue;
      readonly caller: string;
      readonly now: number;
    }
  /** The caller of an `invoke` gave up (timeout or abort): the handler's `meta.signal` is aborted. */
  | { readonly t: 'uninvoke'; readonly id: number };

/** Worker → host. */
export type WorkerMessage =
  /** Start-up progress, so a start that hangs is blamed on the right phase. */
  | { readonly t: 'phase'; readonly phase: LoadPhase }
  | { readonly t: 'ready' }
  | {
      readonly t: 'failed';
      readonly phase: LoadPhase;
      /** The host's phase code, or the code of the `KeelError` the plugin threw. */
      readonly code: LoadErrorCode;
      readonly message: string;
      readonly hint?: string;
    }
  | { readonly t: 'result'; readonly id: number; readonly ok: true; readonly reading: unknown }
  | {
      readonly t: 'result';
      readonly id: number;
      readonly ok: false;
      readonly kind: 'ERROR' | 'CONTRACT';
      readonly message: string;
    }
  | { readonly t: 'reset-failed'; readonly message: string }
  | { readonly t: 'disposed'; readonly error: string | undefined }
  | {
      readonly t: 'log';
      readonly level: LogLevelName;
      readonly msg: string;
      readonly fields: Record<string, unknown> | undefined;
    }
  | { readonly t: 'request'; readonly id: number; readonly op: ServiceOp; readonly args: readonly unknown[] }
  /** The worker stopped waiting for a request (its `rpc.call` signal fired). */
  | { readonly t: 'unrequest'; readonly id: number }
  /** `ctx.bus.publish`: fire-and-forget, like the in-process bus. */
  | { readonly t: 'publish'; readonly type: string; readonly data: JsonValue }
  | { readonly t: 'subscribe'; readonly sub: number; readonly pattern: string }
  | { readonly t: 'unsubscribe'; readonly sub: number }
  | { readonly t: 'unregister'; readonly name: string }
  | { readonly t: 'invoked'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly t: 'invoked'; readonly id: number; readonly ok: false; readonly error: WireError };

/** Flattens anything thrown into a `WireError` (hostile throws included). */
export function toWireError(thrown: unknown, describe: (thrown: unknown) => string): WireError {
  let name = 'Error';
  let code: string | undefined;
  try {
    if (thrown instanceof Error) {
      name = typeof thrown.name === 'string' ? thrown.name : 'Error';
      const c = (thrown as { code?: unknown }).code;
      if (typeof c === 'string') code = c;
    }
  } catch {
    // A throwing `name` or `code` getter: the message below still describes it.
  }
  return { name, code, message: describe(thrown) };
}
