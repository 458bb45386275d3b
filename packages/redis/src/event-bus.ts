import { randomUUID } from 'node:crypto';
import type { Bus, Clock, EventHandler, JsonValue } from '@keel/contract';
import { createEventBus, type EventBus, type EventBusOptions, type EventBusStats } from '@keel/host';
import {
  openConnection,
  positiveNumber,
  quit,
  type RedisConnectionOptions,
  withTimeout,
} from './connection.js';

export interface RedisEventBusOptions extends RedisConnectionOptions {
  /** Identifies this host in messages, so it can skip its own echoes (default a random UUID). */
  hostId?: string | undefined;
  /** Bounded local dispatch queue; beyond it the oldest event is dropped and counted (default 10 000). */
  maxQueue?: number | undefined;
  /** Stamps `event.time` of local publishes (the host passes its replay-aware clock). */
  clock?: Clock | undefined;
  /** Told about every handler that throws or rejects (after it is counted). */
  onHandlerError?: EventBusOptions['onHandlerError'] | undefined;
}

export interface RedisEventBusStats extends EventBusStats {
  /** Events handed to Redis by this host. */
  readonly sent: number;
  /** Events from other hosts fed into the local queue (they also count in `published`). */
  readonly received: number;
  /** Publishes Redis rejected or did not answer in time; those events reached local handlers only. */
  readonly publishFailures: number;
  /** Messages on the channel that were not valid Keel events (ignored). */
  readonly malformed: number;
  /** Publishes still waiting for Redis. */
  readonly inflight: number;
}

/** The host `EventBus` shared through Redis, plus readiness and its own counters. */
export interface RedisEventBus extends EventBus {
  /** Resolves to true once the subscriber listens (other hosts' events arrive from then on), false if it could not. */
  ready(): Promise<boolean>;
  stats(): RedisEventBusStats;
  /** Drops queued events and subscriptions and closes the connections (resolves when closed). */
  dispose(): Promise<void>;
}

const MAX_IDLE_ROUNDS = 10;

/**
 * The host event bus across hosts: every publish is delivered to this host's handlers locally at once
 * (same latency and ordering as the in-memory bus, and still working while Redis is down) and sent to
 * one Redis pub/sub channel per prefix; a dedicated subscriber connection feeds other hosts' events
 * into the local bus. Delivery between hosts is at most once: events published while Redis is
 * unreachable reach local handlers only (counted in `publishFailures`).
 */
export function createRedisEventBus(options: RedisEventBusOptions): RedisEventBus {
  const conn = openConnection(options, 'redisEventBus');
  const channel = `${conn.prefix}bus`;
  const hostId = options.hostId ?? randomUUID();
  const userClock: Clock = options.clock ?? { now: Date.now };
  // The local bus stamps `time` through this clock; remote events keep their publisher's time.
  let stamp: number | undefined;
  const local = createEventBus({
    clock: { now: () => stamp ?? userClock.now() },
    maxQueue: positiveNumber(options.maxQueue, 'maxQueue', 10_000),
    ...(options.onHandlerError === undefined ? {} : { onHandlerError: options.onHandlerError }),
  });
  const subscriber = conn.duplicate();
  let disposed = false;
  let sent = 0;
  let received = 0;
  let publishFailures = 0;
  let malformed = 0;
  const inflight = new Set<Promise<unknown>>();

  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel || disposed) return;
    let message: { type?: unknown; data?: unknown; source?: unknown; time?: unknown; host?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      malformed++;
      return;
    }
    // Our own events were delivered locally when they were published.
    if (message.host === hostId) return;
    const { type, data, source, time } = message;
    if (
      typeof type !== 'string' ||
      typeof source !== 'string' ||
      typeof time !== 'number' ||
      data === undefined
    ) {
      malformed++;
      return;
    }
    stamp = time;
    try {
      local.publishAs(source, type, data as JsonValue);
      received++;
    } catch {
      malformed++;
    } finally {
      stamp = undefined;
    }
  });
  const subscribed = withTimeout('bus subscribe', Math.max(conn.timeoutMs, 5_000), () =>
    subscriber.subscribe(channel),
  ).then(
    () => true,
    () => false,
  );

  function publishAs(source: string, type: string, data: JsonValue): void {
    const time = userClock.now();
    stamp = time;
    try {
      // Validates type and JSON-safety (throwing BusError at the publisher) and delivers locally.
      local.publishAs(source, type, data);
    } finally {
      stamp = undefined;
    }
    if (disposed) return;
    const text = JSON.stringify({ type, data, source, time, host: hostId });
    sent++;
    const pending: Promise<unknown> = conn
      .run('bus publish', (r) => r.publish(channel, text))
      .catch(() => {
        publishFailures++;
      });
    inflight.add(pending);
    void pending.finally(() => inflight.delete(pending));
  }

  /** Resolves once every message Redis had queued for our subscriber before now has been received. */
  async function barrier(): Promise<void> {
    if (!(await subscribed) || disposed || subscriber.status !== 'ready') return;
    try {
      await withTimeout('bus barrier', conn.timeoutMs, () => subscriber.ping());
    } catch {
      // Redis is gone: nothing more can arrive, so there is nothing to wait for.
    }
  }

  const bus: RedisEventBus = {
    publish: (type, data) => publishAs('host', type, data),
    on: (pattern, handler) => local.on(pattern, handler),
    publishAs,
    forPlugin(pluginId: string): Bus {
      const view = local.forPlugin(pluginId);
      return Object.freeze({
        publish: (type: string, data: JsonValue) => publishAs(pluginId, type, data),
        on: (pattern: string, handler: EventHandler) => view.on(pattern, handler),
      });
    },
    unsubscribeAll: (pluginId) => local.unsubscribeAll(pluginId),
    stats: () => ({
      ...local.stats(),
      sent,
      received,
      publishFailures,
      malformed,
      inflight: inflight.size,
    }),
    flush: () => local.flush(),
    /**
     * Waits until this host's publishes are acknowledged by Redis, every event that other hosts had
     * published before that (as far as Redis knows) has arrived, and local dispatch is done.
     */
    async idle(): Promise<void> {
      for (let round = 0; round < MAX_IDLE_ROUNDS; round++) {
        await Promise.all([...inflight]);
        await barrier();
        await local.idle();
        if (inflight.size === 0 && local.stats().queued === 0) return;
      }
    },
    ready: () => subscribed,
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      local.dispose();
      await Promise.all([...inflight]);
      await Promise.all([quit(subscriber), conn.close()]);
    },
  };
  return bus;
}
