// `@keel/notify/sqlite`: the SQLite marker store and outbox. Their own entry, because they need the
// optional peer `better-sqlite3` (a native build) that a memory- or file-marker project never installs.
export type { SqliteMarkerStoreOptions } from './sqlite-marker-store.js';
export { createSqliteMarkerStore, SqliteMarkerStoreOptionsSchema } from './sqlite-marker-store.js';
export type { SqliteOutboxOptions } from './sqlite-outbox.js';
export { createSqliteOutbox, SqliteOutboxOptionsSchema } from './sqlite-outbox.js';
