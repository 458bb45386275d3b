import type { Cache, CachePutOptions, Clock, JsonValue } from '@keel/contract';
import {
  CacheError,
  type CacheStats,
  type CacheStore,
  type CacheStoreOptions,
  checkCacheName,
  checkCachePut,
  checkPositiveCacheOption,
} from '@keel/host';
import { CLEAR, COUNT, PUT, REMOVE } from './cache-scripts.js';
import { openConnection, type RedisConnectionOptions } from './connection.js';

export interface RedisCacheStoreOptions extends RedisConnectionOptions, CacheStoreOptions {}

/** A host `CacheStore` kept in Redis, plus the exact (asynchronous) entry count. */
export interface RedisCacheStore extends CacheStore {
  /**
   * Live entries of a plugin as last observed by this process (after its last put, clear or
   * `count`). The host's `size()` is synchronous and Redis is not; use `count()` for the exact value.
   */
  size(pluginId: string): number;
  /** Live entries of a plugin in Redis, across every host (expired ones are purged first). */
  count(pluginId: string): Promise<number>;
  /** Closes the connection if the store opened it (resolves when it is closed). */
  close(): Promise<void>;
}

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_VALUE_LENGTH = 1 << 20;

interface Envelope {
  /** Expiry in epoch ms by the store's clock, or null. */
  e: number | null;
  v: JsonValue;
}

/**
 * The host cache in Redis, so every host sees the same entries for a plugin id. Same semantics as the
 * SQLite store: JSON values, per-entry TTL (Redis `PX`, and the store's clock on read so an injected
 * clock is honoured), at most `maxEntriesPerNamespace` live entries per plugin with the least recently
 * written evicted first, `clear(ns?)` over a tracked sorted set (never `KEYS`).
 */
export function createRedisCacheStore(options: RedisCacheStoreOptions): RedisCacheStore {
  const conn = openConnection(options, 'redisCacheStore');
  const maxEntries = checkPositiveCacheOption(
    options.maxEntriesPerNamespace ?? DEFAULT_MAX_ENTRIES,
    'maxEntriesPerNamespace',
  );
  const maxValueLength = checkPositiveCacheOption(
    options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH,
    'maxValueLength',
  );
  const clock: Clock = options.clock ?? { now: Date.now };
  const observed = new Map<string, number>();
  let closed = false;
  let reads = 0;
  let hits = 0;
  let writes = 0;
  let evictions = 0;

  const base = (plugin: string): string => `${conn.prefix}cache:{${encodeURIComponent(plugin)}}:`;
  const keysOf = (plugin: string) => {
    const b = base(plugin);
    return { order: `${b}order`, exp: `${b}exp`, seq: `${b}seq`, values: `${b}v:` };
  };
  const entryId = (ns: string, key: string): string => `${encodeURIComponent(ns)}:${key}`;

  function open(): void {
    if (closed) throw new CacheError('CACHE_CLOSED', 'cache is closed', { hint: 'create a new store' });
  }

  // Validation errors reject like the host stores do; they are never thrown synchronously.
  async function run<T>(fn: () => Promise<T>): Promise<T> {
    open();
    return fn();
  }

  function forPlugin(plugin: string): Cache {
    const k = keysOf(plugin);
    const remove = (id: string): Promise<unknown> =>
      conn.run('cache delete', (r) => r.eval(REMOVE, 2, k.order, k.exp, k.values, id));
    return Object.freeze({
      get: <T extends JsonValue = JsonValue>(ns: string, key: string) =>
        run(async (): Promise<T | undefined> => {
          checkCacheName(ns, 'ns');
          checkCacheName(key, 'key');
          reads++;
          const id = entryId(ns, key);
          const text = await conn.run('cache get', (r) => r.get(k.values + id));
          if (text === null) return undefined;
          const entry = JSON.parse(text) as Envelope;
          if (entry.e !== null && entry.e <= clock.now()) {
            await remove(id);
            return undefined;
          }
          hits++;
          return entry.v as T;
        }),
      put: (ns: string, key: string, value: JsonValue, putOptions: CachePutOptions = {}) =>
        run(async () => {
          const { text, ttlMs: ttl } = checkCachePut(ns, key, value, putOptions, maxValueLength);
          const now = clock.now();
          const expiresAt = ttl === undefined ? null : now + ttl;
          // The value is embedded as already-serialized text: one stringify per put.
          const envelope = `{"e":${expiresAt === null ? 'null' : String(expiresAt)},"v":${text}}`;
          const [evicted, count] = (await conn.run('cache put', (r) =>
            r.eval(
              PUT,
              3,
              k.order,
              k.exp,
              k.seq,
              k.values,
              entryId(ns, key),
              envelope,
              ttl === undefined ? 0 : Math.ceil(ttl),
              expiresAt ?? 0,
              maxEntries,
              now,
            ),
          )) as [number, number];
          writes++;
          evictions += evicted;
          observed.set(plugin, count);
        }),
      delete: (ns: string, key: string) =>
        run(async () => {
          checkCacheName(ns, 'ns');
          checkCacheName(key, 'key');
          return (await remove(entryId(ns, key))) === 1;
        }),
      clear: (ns?: string) =>
        run(async () => {
          if (ns !== undefined) checkCacheName(ns, 'ns');
          const prefix = ns === undefined ? '' : `${encodeURIComponent(ns)}:`;
          await conn.run('cache clear', (r) => r.eval(CLEAR, 2, k.order, k.exp, k.values, prefix));
          if (ns === undefined) observed.set(plugin, 0);
        }),
    });
  }

  return {
    forPlugin(pluginId: string): Cache {
      checkCacheName(pluginId, 'pluginId');
      return forPlugin(pluginId);
    },
    size(pluginId: string): number {
      open();
      return observed.get(pluginId) ?? 0;
    },
    async count(pluginId: string): Promise<number> {
      open();
      checkCacheName(pluginId, 'pluginId');
      const k = keysOf(pluginId);
      const n = (await conn.run('cache count', (r) =>
        r.eval(COUNT, 2, k.order, k.exp, k.values, clock.now()),
      )) as number;
      observed.set(pluginId, n);
      return n;
    },
    stats: (): CacheStats => ({ reads, hits, writes, evictions }),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await conn.close();
    },
  };
}
