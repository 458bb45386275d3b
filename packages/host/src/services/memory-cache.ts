import {
  type CacheBackend,
  type CacheStore,
  type CacheStoreOptions,
  createCacheStore,
} from './cache-store.js';

interface Entry {
  readonly value: string;
  readonly expiresAt: number | null;
}

/** A cache that lives in memory only: for tests and for hosts configured without persistence. */
export function createMemoryCacheStore(options: CacheStoreOptions = {}): CacheStore {
  // Per plugin, one Map keyed by `ns \0 key`: Map iteration order is write order because an
  // update deletes before it sets, which makes "oldest" the first keys.
  const plugins = new Map<string, Map<string, Entry>>();
  const id = (ns: string, key: string) => `${ns}\u0000${key}`;
  const space = (plugin: string) => {
    let m = plugins.get(plugin);
    if (m === undefined) {
      m = new Map();
      plugins.set(plugin, m);
    }
    return m;
  };

  const backend: CacheBackend = {
    read: (plugin, ns, key) => plugins.get(plugin)?.get(id(ns, key)),
    write(plugin, ns, key, value, expiresAt) {
      const m = space(plugin);
      const k = id(ns, key);
      m.delete(k);
      m.set(k, { value, expiresAt });
    },
    remove: (plugin, ns, key) => plugins.get(plugin)?.delete(id(ns, key)) ?? false,
    clear(plugin, ns) {
      const m = plugins.get(plugin);
      if (m === undefined) return;
      if (ns === undefined) {
        plugins.delete(plugin);
        return;
      }
      const prefix = `${ns}\u0000`;
      for (const k of m.keys()) if (k.startsWith(prefix)) m.delete(k);
    },
    removeExpired(plugin, now) {
      const m = plugins.get(plugin);
      if (m === undefined) return 0;
      let n = 0;
      for (const [k, e] of m) {
        if (e.expiresAt !== null && e.expiresAt <= now) {
          m.delete(k);
          n++;
        }
      }
      return n;
    },
    count: (plugin) => plugins.get(plugin)?.size ?? 0,
    evictOldest(plugin, n) {
      const m = plugins.get(plugin);
      if (m === undefined) return 0;
      let removed = 0;
      for (const k of m.keys()) {
        if (removed >= n) break;
        m.delete(k);
        removed++;
      }
      return removed;
    },
    atomic: (fn) => fn(),
    close() {
      plugins.clear();
    },
  };
  return createCacheStore(backend, options);
}
