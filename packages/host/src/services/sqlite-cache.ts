import {
  type CacheBackend,
  type CacheStore,
  type CacheStoreOptions,
  createCacheStore,
} from './cache-store.js';
import { loadBetterSqlite3 } from './load-better-sqlite3.js';

export interface SqliteCacheStoreOptions extends CacheStoreOptions {
  /** The database file; created with its tables when missing. */
  path: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS keel_cache (
  plugin     TEXT    NOT NULL,
  ns         TEXT    NOT NULL,
  key        TEXT    NOT NULL,
  value      TEXT    NOT NULL,
  expires_at INTEGER,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (plugin, ns, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS keel_cache_by_age ON keel_cache (plugin, seq);
`;

/**
 * The default cache: a SQLite file in WAL mode (readers never block the writer, and a crash loses
 * at most the last transaction), so entries survive a host restart.
 */
export function createSqliteCacheStore(options: SqliteCacheStoreOptions): CacheStore {
  const Database = loadBetterSqlite3();
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  // With WAL, NORMAL is durable across application crashes and much faster than FULL.
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);

  const readStmt = db.prepare<[string, string, string], { value: string; expires_at: number | null }>(
    'SELECT value, expires_at FROM keel_cache WHERE plugin = ? AND ns = ? AND key = ?',
  );
  const writeStmt = db.prepare<[string, string, string, string, number | null, number]>(
    `INSERT INTO keel_cache (plugin, ns, key, value, expires_at, seq) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (plugin, ns, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, seq = excluded.seq`,
  );
  const removeStmt = db.prepare<[string, string, string]>(
    'DELETE FROM keel_cache WHERE plugin = ? AND ns = ? AND key = ?',
  );
  const clearNsStmt = db.prepare<[string, string]>('DELETE FROM keel_cache WHERE plugin = ? AND ns = ?');
  const clearAllStmt = db.prepare<[string]>('DELETE FROM keel_cache WHERE plugin = ?');
  const expiredStmt = db.prepare<[string, number]>(
    'DELETE FROM keel_cache WHERE plugin = ? AND expires_at IS NOT NULL AND expires_at <= ?',
  );
  const countStmt = db.prepare<[string], { n: number }>(
    'SELECT COUNT(*) AS n FROM keel_cache WHERE plugin = ?',
  );
  const evictStmt = db.prepare<[string, string, number]>(
    `DELETE FROM keel_cache WHERE plugin = ? AND seq IN
       (SELECT seq FROM keel_cache WHERE plugin = ? ORDER BY seq LIMIT ?)`,
  );
  // Write order must survive a restart, so it continues from the largest stored sequence number.
  let seq = (db.prepare<[], { s: number | null }>('SELECT MAX(seq) AS s FROM keel_cache').get()?.s ??
    0) as number;

  const backend: CacheBackend = {
    read(plugin, ns, key) {
      const row = readStmt.get(plugin, ns, key);
      return row === undefined ? undefined : { value: row.value, expiresAt: row.expires_at };
    },
    write(plugin, ns, key, value, expiresAt) {
      writeStmt.run(plugin, ns, key, value, expiresAt, ++seq);
    },
    remove: (plugin, ns, key) => removeStmt.run(plugin, ns, key).changes > 0,
    clear(plugin, ns) {
      if (ns === undefined) clearAllStmt.run(plugin);
      else clearNsStmt.run(plugin, ns);
    },
    removeExpired: (plugin, now) => expiredStmt.run(plugin, now).changes,
    count: (plugin) => countStmt.get(plugin)?.n ?? 0,
    evictOldest: (plugin, n) => evictStmt.run(plugin, plugin, n).changes,
    atomic: (fn) => db.transaction(fn)(),
    close() {
      db.close();
    },
  };
  return createCacheStore(backend, options);
}
