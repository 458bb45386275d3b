import {
  type Bus,
  type BusEvent,
  type Clock,
  checkJsonSafe,
  type EventHandler,
  formatValue,
  type JsonValue,
  type Unsubscribe,
} from '@keel/contract';
import { BusError } from './errors.js';
import { frozenJsonCopy } from './json-copy.js';
import { systemClock } from './manual-clock.js';

export interface EventBusOptions {
  /** Most events waiting for dispatch; beyond it the oldest is dropped and counted (default 10 000). */
  maxQueue?: number;
  /** Stamps `event.time`: bar time in a replay, the wall clock live. */
  clock?: Clock;
  /** Told about every handler that throws or rejects (after it is counted). */
  onHandlerError?: (error: unknown, event: BusEvent, subscriber: string) => void;
}

export interface EventBusStats {
  readonly published: number;
  /** Handler invocations. */
  readonly delivered: number;
  /** Events dropped because the queue was full. */
  readonly dropped: number;
  /** Handlers that threw or rejected. */
  readonly handlerErrors: number;
  readonly queued: number;
  readonly subscriptions: number;
}

/** The host's in-process bus: the contract `Bus` (published as `host`) plus views and counters. */
export interface EventBus extends Bus {
  /** A `Bus` for one plugin: stamps `source` and owns the subscriptions made through it. */
  forPlugin(pluginId: string): Bus;
  /** Publishes with an explicit `source` (e.g. `api`). */
  publishAs(source: string, type: string, data: JsonValue): void;
  /** Drops every subscription made through `forPlugin(pluginId)`; returns how many. */
  unsubscribeAll(pluginId: string): number;
  stats(): EventBusStats;
  /** Dispatches the events queued right now, synchronously; returns how many were dispatched. */
  flush(): number;
  /** Resolves once the queue is empty and no async handler is still running. */
  idle(): Promise<void>;
  /** Drops queued events and every subscription; later publishes are ignored. */
  dispose(): void;
}

const HOST = 'host';
const DEFAULT_MAX_QUEUE = 10_000;
const MAX_TYPE_LENGTH = 200;
const TYPE_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_:-]*(?:\.[A-Za-z0-9_:-]+)*$/;

// Matching is precomputed per subscription so dispatch does no string allocation.
const MATCH_ALL = 0;
const MATCH_PREFIX = 1;
const MATCH_EXACT = 2;

interface Subscription {
  readonly owner: string;
  readonly pattern: string;
  readonly mode: number;
  /** The exact type, or the prefix including its trailing dot. */
  readonly key: string;
  readonly handler: EventHandler;
  active: boolean;
}

/**
 * Creates the event bus. `publish` only enqueues: dispatch happens on a later turn of the event loop
 * (`setImmediate`), so a publisher is never blocked by, and never sees errors of, its subscribers.
 * Events published during dispatch are delivered on the next turn, so a publish loop cannot starve
 * I/O. The queue is a fixed ring: when full the oldest event is dropped and counted.
 */
export function createEventBus(options: EventBusOptions = {}): EventBus {
  const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
  if (!Number.isInteger(maxQueue) || maxQueue < 1) {
    throw new BusError(
      'BUS_INVALID_OPTION',
      `maxQueue must be a positive integer, got ${formatValue(maxQueue)}`,
      {
        field: 'maxQueue',
        value: maxQueue,
      },
    );
  }
  const clock = options.clock ?? systemClock;
  const onHandlerError = options.onHandlerError;

  const ring: Array<BusEvent | undefined> = new Array(maxQueue).fill(undefined);
  let head = 0;
  let size = 0;
  // Copy-on-write: dispatch iterates the array it started with, so (un)subscribing from a handler
  // affects later events only, with no copy per event.
  let subscriptions: readonly Subscription[] = [];
  let scheduled = false;
  let pendingHandlers = 0;
  let disposed = false;
  let idleWaiters: Array<() => void> = [];
  let published = 0;
  let delivered = 0;
  let dropped = 0;
  let handlerErrors = 0;

  function publishAs(source: string, type: string, data: JsonValue): void {
    if (typeof type !== 'string' || type.length > MAX_TYPE_LENGTH || !TYPE_PATTERN.test(type)) {
      throw new BusError(
        'BUS_INVALID_TYPE',
        `event type ${formatValue(type)} must look like \`signal.updated\``,
        {
          field: 'type',
          value: type,
        },
      );
    }
    const check = checkJsonSafe(data, { root: 'data' });
    if (!check.ok) {
      throw new BusError('BUS_NOT_JSON_SAFE', `event ${type}: ${check.path} ${check.reason}`, {
        field: check.path,
        value: type,
      });
    }
    if (disposed) return;
    const event: BusEvent = Object.freeze({ type, data: frozenJsonCopy(data), source, time: clock.now() });
    if (size === maxQueue) {
      ring[head] = undefined;
      head = head + 1 === maxQueue ? 0 : head + 1;
      size--;
      dropped++;
    }
    const tail = head + size;
    ring[tail >= maxQueue ? tail - maxQueue : tail] = event;
    size++;
    published++;
    if (!scheduled) {
      scheduled = true;
      setImmediate(onTurn);
    }
  }

  function subscribe(owner: string, pattern: string, handler: EventHandler): Unsubscribe {
    if (typeof handler !== 'function') {
      throw new BusError('BUS_INVALID_PATTERN', `handler for ${formatValue(pattern)} must be a function`, {
        field: 'handler',
        value: handler,
      });
    }
    const sub = compile(owner, pattern, handler);
    if (disposed) return () => {};
    subscriptions = [...subscriptions, sub];
    return () => {
      if (!sub.active) return;
      sub.active = false;
      subscriptions = subscriptions.filter((s) => s !== sub);
    };
  }

  function onTurn(): void {
    scheduled = false;
    flush();
    if (size > 0 && !scheduled) {
      scheduled = true;
      setImmediate(onTurn);
    }
    settleIdle();
  }

  function flush(): number {
    let n = size;
    const count = n;
    while (n-- > 0 && size > 0) {
      const event = ring[head]!;
      ring[head] = undefined;
      head = head + 1 === maxQueue ? 0 : head + 1;
      size--;
      dispatch(event);
    }
    return count;
  }

  function dispatch(event: BusEvent): void {
    const subs = subscriptions;
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i]!;
      if (!sub.active || !matches(sub, event.type)) continue;
      delivered++;
      try {
        const result = sub.handler(event);
        if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
          pendingHandlers++;
          (result as Promise<void>).then(handlerDone, (error: unknown) => {
            handlerFailed(error, event, sub);
            handlerDone();
          });
        }
      } catch (error) {
        handlerFailed(error, event, sub);
      }
    }
  }

  function handlerFailed(error: unknown, event: BusEvent, sub: Subscription): void {
    handlerErrors++;
    if (onHandlerError === undefined) return;
    try {
      onHandlerError(error, event, sub.owner);
    } catch {
      // An error reporter that throws must not take dispatch down with it.
    }
  }

  function handlerDone(): void {
    pendingHandlers--;
    settleIdle();
  }

  function settleIdle(): void {
    if (size > 0 || pendingHandlers > 0 || scheduled || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  const bus: EventBus = {
    publish: (type, data) => publishAs(HOST, type, data),
    on: (pattern, handler) => subscribe(HOST, pattern, handler),
    publishAs(source, type, data) {
      publishAs(source, type, data);
    },
    forPlugin(pluginId: string): Bus {
      return Object.freeze({
        publish: (type: string, data: JsonValue) => publishAs(pluginId, type, data),
        on: (pattern: string, handler: EventHandler) => subscribe(pluginId, pattern, handler),
      });
    },
    unsubscribeAll(pluginId: string): number {
      let removed = 0;
      for (const sub of subscriptions) {
        if (sub.owner === pluginId) {
          sub.active = false;
          removed++;
        }
      }
      if (removed > 0) subscriptions = subscriptions.filter((s) => s.active);
      return removed;
    },
    stats: () => ({
      published,
      delivered,
      dropped,
      handlerErrors,
      queued: size,
      subscriptions: subscriptions.length,
    }),
    flush,
    idle(): Promise<void> {
      if (size === 0 && pendingHandlers === 0 && !scheduled) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    dispose(): void {
      disposed = true;
      for (const sub of subscriptions) sub.active = false;
      subscriptions = [];
      ring.fill(undefined);
      size = 0;
      head = 0;
      settleIdle();
    },
  };
  return bus;
}

function compile(owner: string, pattern: string, handler: EventHandler): Subscription {
  if (pattern === '*') return { owner, pattern, mode: MATCH_ALL, key: '', handler, active: true };
  if (typeof pattern === 'string' && pattern.endsWith('.*') && TYPE_PATTERN.test(pattern.slice(0, -2))) {
    return { owner, pattern, mode: MATCH_PREFIX, key: pattern.slice(0, -1), handler, active: true };
  }
  if (typeof pattern === 'string' && TYPE_PATTERN.test(pattern)) {
    return { owner, pattern, mode: MATCH_EXACT, key: pattern, handler, active: true };
  }
  throw new BusError(
    'BUS_INVALID_PATTERN',
    `pattern ${formatValue(pattern)} must be a type, \`prefix.*\` or \`*\``,
    {
      field: 'pattern',
      value: pattern,
    },
  );
}

function matches(sub: Subscription, type: string): boolean {
  if (sub.mode === MATCH_EXACT) return sub.key === type;
  if (sub.mode === MATCH_PREFIX) return type.startsWith(sub.key);
  return true;
}
