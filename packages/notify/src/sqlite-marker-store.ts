import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { expandHome } from './home-path.js';
import { loadBetterSqlite3 } from './load-better-sqlite3.js';
import { formatRecordedAt, sortedJson } from './marker-json.js';
import { isMarkerFresh, type MarkerStore, MarkerStoreBaseOptionsSchema } from './marker-store.js';
import { parseOptions } from './parse-options.js';

/**
 * Options of {@link createSqliteMarkerStore}. Env-friendly names: `KEEL_ALERT_MARKER_DB` → `path`,
 * `KEEL_ALERT_MARKER_TTL_MS` → `ttlMs`.
 */
export const SqliteMarkerStoreOptionsSchema = MarkerStoreBaseOptionsSchema.extend({
  /** Database file (`~` expanded); `:memory:` for a private in-memory database. */
  path: z.string().trim().min(1),
  /**
   * SQLite `synchronous` level. `NORMAL` (default) with WAL survives process crashes; `FULL` also
   * survives power loss at the cost of an fsync per marker.
   */
  synchronous: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
});
export type SqliteMarkerStoreOptions = z.input<typeof SqliteMarkerStoreOptionsSchema>;

/**
 * The default embedded marker store: one SQLite file (WAL mode), one row per (namespace, key).
 * Several processes may share the file; SQLite serialises writers.
 */
export function createSqliteMarkerStore(options: SqliteMarkerStoreOptions): MarkerStore {
  const opts = parseOptions(SqliteMarkerStoreOptionsSchema, options, 'sqliteMarkerStore');
  const now = opts.now ?? Date.now;
  const Database = loadBetterSqlite3('createSqliteMarkerStore');
  const file = opts.path === ':memory:' ? ':memory:' : expandHome(opts.path);
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous}`);
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS alert_markers (
    namespace TEXT NOT NULL,
    alert_key TEXT NOT NULL,
    recorded_at_ms INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    metadata TEXT NOT NULL,
    PRIMARY KEY (namespace, alert_key)
  ) WITHOUT ROWID`);
  const select = db.prepare<[string, string], { recorded_at_ms: number }>(
    'SELECT recorded_at_ms FROM alert_markers WHERE namespace = ? AND alert_key = ?',
  );
  const upsert = db.prepare<[string, string, number, string, string]>(
    `INSERT INTO alert_markers (namespace, alert_key, recorded_at_ms, recorded_at, metadata)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (namespace, alert_key) DO UPDATE SET
       recorded_at_ms = excluded.recorded_at_ms, recorded_at = excluded.recorded_at, metadata = excluded.metadata`,
  );
  let closed = false;
  return {
    async has(namespace, key, check) {
      const row = select.get(namespace, key);
      if (row === undefined) return false;
      return isMarkerFresh(row.recorded_at_ms, now(), check?.ttlMs ?? opts.ttlMs);
    },
    async record(namespace, key, metadata) {
      const at = now();
      upsert.run(namespace, key, at, formatRecordedAt(at), sortedJson(metadata));
    },
    async close() {
      if (!closed) {
        closed = true;
        db.close();
      }
    },
  };
}
