import { formatValue } from '@keel/contract';
import { Redis } from 'ioredis';
import { RedisAdapterError, redactRedisUrl, toRedisAdapterError } from './errors.js';

/** How an adapter reaches Redis: a client you own, or a URL the adapter connects to (and closes). */
export interface RedisConnectionOptions {
  /** An ioredis client; the adapter never closes it (the bus opens one duplicate for subscribing). */
  redis?: Redis | undefined;
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`; the adapter owns this connection. */
  url?: string | undefined;
  /** Key and channel prefix, so several deployments can share one Redis (default `keel:`). */
  prefix?: string | undefined;
  /** A command with no answer after this long fails with `REDIS_TIMEOUT` (default 2 000 ms). */
  commandTimeoutMs?: number | undefined;
  /** Told about connection errors of connections the adapter owns (already redacted). */
  onError?: ((error: RedisAdapterError) => void) | undefined;
}

export interface Connection {
  readonly client: Redis;
  readonly owned: boolean;
  readonly prefix: string;
  readonly timeoutMs: number;
  /** Runs one command with the timeout, turning failures into `RedisAdapterError`. */
  run<T>(operation: string, command: (client: Redis) => Promise<T>): Promise<T>;
  /** A new connection with the same settings (owned by the caller). */
  duplicate(): Redis;
  /** Closes the connection if the adapter owns it. */
  close(): Promise<void>;
}

export const DEFAULT_PREFIX = 'keel:';
const DEFAULT_TIMEOUT_MS = 2_000;

export function positiveNumber(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RedisAdapterError(
      'REDIS_INVALID_OPTION',
      `${field} must be a positive number, got ${formatValue(value)}`,
      {
        field,
        value,
      },
    );
  }
  return value;
}

export function openConnection(options: RedisConnectionOptions, adapter: string): Connection {
  const hasClient = options.redis !== undefined;
  const hasUrl = options.url !== undefined;
  if (hasClient === hasUrl) {
    throw new RedisAdapterError(
      'REDIS_INVALID_OPTION',
      `${adapter}: pass exactly one of \`redis\` or \`url\``,
      {
        field: 'redis',
        hint: 'createRedisMarkerStore({ url: "redis://127.0.0.1:6379" }) or ({ redis: new Redis(...) })',
      },
    );
  }
  if (hasUrl && (typeof options.url !== 'string' || !/^rediss?:\/\//i.test(options.url))) {
    throw new RedisAdapterError(
      'REDIS_INVALID_OPTION',
      `${adapter}: url must start with redis:// or rediss://, got ${formatValue(redactRedisUrl(String(options.url)))}`,
      { field: 'url' },
    );
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string') {
    throw new RedisAdapterError('REDIS_INVALID_OPTION', `${adapter}: prefix must be a string`, {
      field: 'prefix',
    });
  }
  const timeoutMs = positiveNumber(options.commandTimeoutMs, 'commandTimeoutMs', DEFAULT_TIMEOUT_MS);
  const onError = options.onError;
  const watch = (client: Redis): Redis => {
    // Without a listener ioredis prints every reconnect failure; ours reports them redacted instead.
    client.on('error', (error: unknown) => {
      if (onError === undefined) return;
      try {
        onError(toRedisAdapterError(`${adapter} connection`, error));
      } catch {
        // A reporter that throws must not crash the connection's event emitter.
      }
    });
    return client;
  };
  const client =
    options.redis ??
    watch(
      new Redis(options.url as string, {
        // Fail queued commands after one reconnect attempt instead of twenty: callers have fallbacks.
        maxRetriesPerRequest: 1,
        retryStrategy: (times) => Math.min(times * 100, 2_000),
      }),
    );
  const owned = !hasClient;
  let closed = false;
  return {
    client,
    owned,
    prefix,
    timeoutMs,
    run<T>(operation: string, command: (c: Redis) => Promise<T>): Promise<T> {
      if (closed) {
        return Promise.reject(
          new RedisAdapterError('REDIS_CLOSED', `${adapter}: ${operation} after close()`),
        );
      }
      return withTimeout(operation, timeoutMs, () => command(client));
    },
    duplicate: () => watch(client.duplicate()),
    async close() {
      if (closed) return;
      closed = true;
      if (owned) await quit(client);
    },
  };
}

/** Graceful QUIT when connected (pending replies arrive first), an immediate disconnect otherwise. */
export async function quit(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await withTimeout('quit', 1_000, () => client.quit());
      return;
    } catch {
      // Fall through: a connection that cannot quit cleanly is dropped.
    }
  }
  client.disconnect();
}

export function withTimeout<T>(operation: string, ms: number, command: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new RedisAdapterError('REDIS_TIMEOUT', `${operation}: no answer from Redis within ${ms} ms`));
    }, ms);
    let pending: Promise<T>;
    try {
      pending = command();
    } catch (error) {
      clearTimeout(timer);
      reject(toRedisAdapterError(operation, error));
      return;
    }
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(toRedisAdapterError(operation, error));
      },
    );
  });
}
