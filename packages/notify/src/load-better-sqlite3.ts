import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { NotifyConfigError } from './errors.js';

// `better-sqlite3` is an optional peer: a project that keeps markers in memory or files never
// installs its native build. It is loaded on the first SQLite store, synchronously (it is CommonJS),
// so a missing install surfaces as one typed error at the call that needs it.
const require = createRequire(import.meta.url);
let database: typeof BetterSqlite3 | undefined;

/**
 * The `better-sqlite3` constructor, or `SQLITE_UNAVAILABLE` naming what needed it and how to fix it.
 * `from` resolves the module (tests pass a `createRequire` of a folder without it).
 */
export function loadBetterSqlite3(neededBy: string, from: NodeJS.Require = require): typeof BetterSqlite3 {
  if (from === require && database !== undefined) return database;
  try {
    const loaded = from('better-sqlite3') as typeof BetterSqlite3;
    if (from === require) database = loaded;
    return loaded;
  } catch (error) {
    if (!isMissingModule(error, 'better-sqlite3')) throw error;
    throw new NotifyConfigError(
      'SQLITE_UNAVAILABLE',
      `${neededBy} needs the optional peer dependency better-sqlite3, which is not installed`,
      {
        field: 'better-sqlite3',
        hint: 'npm install better-sqlite3 (12.x), or keep markers with createMemoryMarkerStore / createFileMarkerStore from @keel/notify',
        cause: error,
      },
    );
  }
}

/** True when `error` says `name` itself cannot be found (not a module it requires in turn). */
export function isMissingModule(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${name}'`);
}
