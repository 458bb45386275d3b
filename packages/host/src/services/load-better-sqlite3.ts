import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { CacheError } from './errors.js';

// `better-sqlite3` is an optional peer: a host that replays bars, or keeps its cache in memory,
// never installs its native build. It is loaded when the first SQLite cache opens, synchronously (it
// is CommonJS), so a missing install is one typed error at the cache call that needed it.
const require = createRequire(import.meta.url);
let database: typeof BetterSqlite3 | undefined;

/**
 * The `better-sqlite3` constructor, or `CACHE_SQLITE_UNAVAILABLE` with what to do about it. `from`
 * resolves the module (tests pass a `createRequire` of a folder without it).
 */
export function loadBetterSqlite3(from: NodeJS.Require = require): typeof BetterSqlite3 {
  if (from === require && database !== undefined) return database;
  try {
    const loaded = from('better-sqlite3') as typeof BetterSqlite3;
    if (from === require) database = loaded;
    return loaded;
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    // Only better-sqlite3 itself missing; a broken install (a module it requires) stays as it is.
    if (code !== 'MODULE_NOT_FOUND' || typeof message !== 'string' || !message.includes("'better-sqlite3'")) {
      throw error;
    }
    throw new CacheError(
      'CACHE_SQLITE_UNAVAILABLE',
      'the SQLite plugin cache needs the optional peer dependency better-sqlite3, which is not installed',
      {
        field: 'better-sqlite3',
        hint: 'npm install better-sqlite3 (12.x) to keep plugin caches in a file, or pass createHost({ cache: { memory: true } })',
        cause: error,
      },
    );
  }
}
