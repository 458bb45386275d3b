import {
  type Cache,
  type CachePutOptions,
  type Clock,
  checkJsonSafe,
  formatValue,
  type JsonValue,
} from '@keel/contract';
import { CacheError } from './errors.js';
import { systemClock } from './manual-clock.js';

/**
 * Storage primitives a cache backend provides. Values arrive serialized; `expiresAt` is epoch ms
 * or null. Entries are ordered by write (an update counts as a new write) for eviction.
 */
export interface CacheBackend {
  read(plugin: string, ns: string, key: string): { value: string; expiresAt: number | null } | undefined;
  write(plugin: string, ns: string, key: string, value: string, expiresAt: number | null): void;
  remove(plugin: string, ns: string, key: string): boolean;
  /** Removes one sub-namespace of a plugin, or all of its entries when `ns` is undefined. */
  clear(plugin: string, ns: string | undefined): void;
  removeExpired(plugin: string, now: number): number;
  count(plugin: string): number;
  /** Removes the `n` least recently written entries of a plugin. */
  evictOldest(plugin: string, n: number): number;
  /** Runs `fn` atomically (a transaction in SQLite). */
  atomic<T>(fn: () => T): T;
  close(): void;
}

export interface CacheStoreOptions {
  /**
   * Most live entries one plugin's namespace holds (all its sub-namespaces together, so a plugin
   * cannot grow without bound by inventing sub-namespaces); beyond it the least recently written
   * entries are evicted. Default 10 000.
   */
  maxEntriesPerNamespace?: number;
  /** Time source for TTLs (default the wall clock). */
  clock?: Clock;
  /** Longest serialized value accepted, in characters (default 1 MiB). */
  maxValueLength?: number;
}

export interface CacheStats {
  readonly reads: number;
  readonly hits: number;
  readonly writes: number;
  readonly evictions: number;
}

/** A persistent (or in-memory) store shared by every plugin, handed out per plugin. */
export interface CacheStore {
  /** The contract `Cache` scoped to one plugin: it never sees another plugin's keys. */
  forPlugin(pluginId: string): Cache;
  /** Number of live entries of a plugin (expired ones are purged first). */
  size(pluginId: string): number;
  stats(): CacheStats;
  /** Closes the backend; later calls reject with `CACHE_CLOSED`. */
  close(): void;
}

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_VALUE_LENGTH = 1 << 20;
const MAX_KEY_LENGTH = 512;

/** The semantics every backend shares: validation, JSON, TTL, the per-plugin cap and eviction. */
export function createCacheStore(backend: CacheBackend, options: CacheStoreOptions = {}): CacheStore {
  const maxEntries = checkPositiveCacheOption(
    options.maxEntriesPerNamespace ?? DEFAULT_MAX_ENTRIES,
    'maxEntriesPerNamespace',
  );
  const maxValueLength = checkPositiveCacheOption(
    options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH,
    'maxValueLength',
  );
  const clock = options.clock ?? systemClock;
  let closed = false;
  let reads = 0;
  let hits = 0;
  let writes = 0;
  let evictions = 0;

  function open(): void {
    if (closed)
      throw new CacheError('CACHE_CLOSED', 'cache is closed', {
        hint: 'create a new store to reopen the file',
      });
  }

  // The Cache interface is async; the backends are synchronous, so errors become rejections here.
  function run<T>(fn: () => T): Promise<T> {
    try {
      open();
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function forPlugin(plugin: string): Cache {
    return Object.freeze({
      get: <T extends JsonValue = JsonValue>(ns: string, key: string) =>
        run((): T | undefined => {
          checkCacheName(ns, 'ns');
          checkCacheName(key, 'key');
          reads++;
          const row = backend.read(plugin, ns, key);
          if (row === undefined) return undefined;
          if (row.expiresAt !== null && row.expiresAt <= clock.now()) {
            backend.remove(plugin, ns, key);
            return undefined;
          }
          hits++;
          return JSON.parse(row.value) as T;
        }),
      put: (ns: string, key: string, value: JsonValue, putOptions: CachePutOptions = {}) =>
        run(() => {
          const { text, ttlMs: ttl } = checkCachePut(ns, key, value, putOptions, maxValueLength);
          const now = clock.now();
          backend.atomic(() => {
            backend.write(plugin, ns, key, text, ttl === undefined ? null : now + ttl);
            writes++;
            let count = backend.count(plugin);
            // Expired entries go first so they never cost a live entry its place.
            if (count > maxEntries) count -= backend.removeExpired(plugin, now);
            if (count > maxEntries) evictions += backend.evictOldest(plugin, count - maxEntries);
          });
        }),
      delete: (ns: string, key: string) =>
        run(() => {
          checkCacheName(ns, 'ns');
          checkCacheName(key, 'key');
          return backend.remove(plugin, ns, key);
        }),
      clear: (ns?: string) =>
        run(() => {
          if (ns !== undefined) checkCacheName(ns, 'ns');
          backend.clear(plugin, ns);
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
      backend.removeExpired(pluginId, clock.now());
      return backend.count(pluginId);
    },
    stats: () => ({ reads, hits, writes, evictions }),
    close(): void {
      if (closed) return;
      closed = true;
      backend.close();
    },
  };
}

/** Checks a namespace or key: a string of 1-512 characters. Shared by every cache store. */
export function checkCacheName(value: string, field: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_LENGTH) {
    throw new CacheError(
      'CACHE_INVALID_KEY',
      `${field} must be a string of 1-${MAX_KEY_LENGTH} characters, got ${formatValue(value)}`,
      {
        field,
        value,
      },
    );
  }
}

/** Checks a store option that must be a positive integer. */
export function checkPositiveCacheOption(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new CacheError(
      'CACHE_INVALID_OPTION',
      `${field} must be a positive integer, got ${formatValue(value)}`,
      {
        field,
        value,
      },
    );
  }
  return value;
}

/**
 * The rules every cache store applies to a `put`, in one place so SQLite, memory and Redis stores
 * reject exactly the same values with the same errors: names, JSON safety, TTL and size.
 */
export function checkCachePut(
  ns: string,
  key: string,
  value: JsonValue,
  options: CachePutOptions,
  maxValueLength: number,
): { text: string; ttlMs: number | undefined } {
  checkCacheName(ns, 'ns');
  checkCacheName(key, 'key');
  const check = checkJsonSafe(value, { root: 'value' });
  if (!check.ok) {
    throw new CacheError('CACHE_NOT_JSON_SAFE', `cache ${ns}/${key}: ${check.path} ${check.reason}`, {
      field: check.path,
      value: key,
    });
  }
  const ttl = options.ttlMs;
  if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0)) {
    throw new CacheError(
      'CACHE_INVALID_OPTION',
      `ttlMs must be a positive number of ms, got ${formatValue(ttl)}`,
      {
        field: 'ttlMs',
        value: ttl,
      },
    );
  }
  const text = JSON.stringify(value);
  if (text.length > maxValueLength) {
    throw new CacheError(
      'CACHE_INVALID_OPTION',
      `cache ${ns}/${key}: value is ${text.length} characters, over ${maxValueLength}`,
      {
        field: 'value',
        value: text.length,
      },
    );
  }
  return { text, ttlMs: ttl };
}
