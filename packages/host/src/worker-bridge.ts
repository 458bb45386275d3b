import type { Worker } from 'node:worker_threads';
import type { HostContext, JsonValue, RpcMeta, Unsubscribe } from '@keel/contract';
import { describeThrown, HostError } from './errors.js';
import { RpcError } from './services/errors.js';
import { fromWireError } from './worker-context.js';
import { type HostMessage, toWireError, type WorkerMessage } from './worker-protocol.js';

const LEVELS: ReadonlySet<string> = new Set(['debug', 'info', 'warn', 'error']);

interface Invocation {
  resolve(value: JsonValue): void;
  reject(error: Error): void;
}

/**
 * The host side of one worker's services: it answers the worker's requests with the plugin's real
 * `ctx` (the same bus, RPC and cache views an in-process plugin gets, so sources, callers and
 * cache namespaces are the plugin's id), and turns the worker's subscriptions and RPC methods into
 * host ones that forward to the thread. One bridge per worker: when the thread dies, `close()`
 * drops everything it registered, and the restarted worker registers again from its `setup`.
 */
export class WorkerBridge {
  private readonly worker: Worker;
  private readonly ctx: HostContext;
  private readonly now: () => number;
  private readonly subscriptions = new Map<number, Unsubscribe>();
  private readonly methods = new Map<string, Unsubscribe>();
  private readonly requests = new Map<number, AbortController>();
  private readonly invocations = new Map<number, Invocation>();
  private nextInvocation = 1;
  private closed = false;

  constructor(worker: Worker, ctx: HostContext, now: () => number) {
    this.worker = worker;
    this.ctx = ctx;
    this.now = now;
  }

  /** Handles a service message; false for anything else (results, lifecycle). */
  handle(message: WorkerMessage): boolean {
    switch (message.t) {
      case 'log': {
        // Checked: the plugin shares the thread's port and could post any shape.
        const level = LEVELS.has(message.level) ? message.level : 'info';
        const fields =
          message.fields !== null && typeof message.fields === 'object' ? message.fields : undefined;
        this.ctx.log[level](String(message.msg), fields);
        return true;
      }
      case 'publish':
        try {
          this.ctx.bus.publish(message.type, message.data);
        } catch (error) {
          this.ctx.log.warn('bus.publish refused', { type: message.type, error: describeThrown(error) });
        }
        return true;
      case 'subscribe':
        this.subscribe(message.sub, message.pattern);
        return true;
      case 'unsubscribe':
        this.subscriptions.get(message.sub)?.();
        this.subscriptions.delete(message.sub);
        return true;
      case 'unregister':
        this.methods.get(message.name)?.();
        this.methods.delete(message.name);
        return true;
      case 'request':
        void this.request(message.id, message.op, message.args);
        return true;
      case 'unrequest':
        this.requests
          .get(message.id)
          ?.abort(new RpcError('RPC_ABORTED', 'the plugin stopped waiting for this call'));
        return true;
      case 'invoked': {
        const waiter = this.invocations.get(message.id);
        if (waiter === undefined) return true;
        this.invocations.delete(message.id);
        if (message.ok) waiter.resolve(message.value as JsonValue);
        else waiter.reject(fromWireError(message.error));
        return true;
      }
      default:
        return false;
    }
  }

  /** The worker is gone: drop its subscriptions and methods, fail calls waiting on it. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.subscriptions.values()) off();
    for (const off of this.methods.values()) off();
    this.subscriptions.clear();
    this.methods.clear();
    for (const controller of this.requests.values()) controller.abort(new HostError('HOST_DISPOSED', reason));
    this.requests.clear();
    for (const waiter of this.invocations.values())
      waiter.reject(new HostError('HOST_PLUGIN_ERROR', `the plugin's worker is gone: ${reason}`));
    this.invocations.clear();
  }

  private send(message: HostMessage): void {
    if (this.closed) return;
    try {
      this.worker.postMessage(message);
    } catch (error) {
      this.ctx.log.error('could not send to the worker', { t: message.t, error: describeThrown(error) });
    }
  }

  private subscribe(sub: number, pattern: string): void {
    if (this.closed) return;
    try {
      const off = this.ctx.bus.on(pattern, (event) => {
        this.send({ t: 'event', sub, event, now: this.now() });
      });
      this.subscriptions.set(sub, off);
    } catch (error) {
      this.ctx.log.error('bus.on refused', { pattern, error: describeThrown(error) });
    }
  }

  private async request(id: number, op: string, args: readonly unknown[]): Promise<void> {
    const controller = new AbortController();
    this.requests.set(id, controller);
    try {
      const value = await this.perform(op, args, controller.signal);
      this.send({ t: 'reply', id, ok: true, value });
    } catch (error) {
      this.send({ t: 'reply', id, ok: false, error: toWireError(error, describeThrown) });
    } finally {
      this.requests.delete(id);
    }
  }

  private async perform(op: string, args: readonly unknown[], signal: AbortSignal): Promise<unknown> {
    const { rpc, cache } = this.ctx;
    const a = args as unknown[];
    switch (op) {
      case 'rpc.call': {
        const options = (a[2] ?? {}) as { timeoutMs?: number };
        return rpc.call(a[0] as string, a[1] as JsonValue, { ...options, signal });
      }
      case 'rpc.register':
        this.register(a[0] as string);
        return null;
      case 'cache.get':
        return cache.get(a[0] as string, a[1] as string);
      case 'cache.put':
        return cache.put(a[0] as string, a[1] as string, a[2] as JsonValue, a[3] as { ttlMs?: number });
      case 'cache.delete':
        return cache.delete(a[0] as string, a[1] as string);
      case 'cache.clear':
        return a.length === 0 ? cache.clear() : cache.clear(a[0] as string);
      default:
        throw new HostError('HOST_SERVICE_UNAVAILABLE', `unknown worker service ${JSON.stringify(op)}`);
    }
  }

  private register(name: string): void {
    if (this.closed) throw new HostError('HOST_DISPOSED', 'the worker is gone');
    const off = this.ctx.rpc.register(name, (payload, meta) => this.invoke(name, payload, meta));
    this.methods.set(name, off);
  }

  private invoke(name: string, payload: JsonValue, meta: RpcMeta): Promise<JsonValue> {
    const id = this.nextInvocation++;
    return new Promise<JsonValue>((resolve, reject) => {
      if (this.closed) {
        reject(new HostError('HOST_PLUGIN_ERROR', `the worker behind ${JSON.stringify(name)} is gone`));
        return;
      }
      const onAbort = (): void => this.send({ t: 'uninvoke', id });
      meta.signal.addEventListener('abort', onAbort, { once: true });
      this.invocations.set(id, {
        resolve: (value) => {
          meta.signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          meta.signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      this.send({ t: 'invoke', id, name, payload, caller: meta.caller, now: this.now() });
    });
  }
}
