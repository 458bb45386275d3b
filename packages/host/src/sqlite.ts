// `@keel/host/sqlite`: the SQLite cache store on its own entry, because it needs the optional peer
// `better-sqlite3` (a native build). `createHost({ cache: { path } })` (the default) uses it too.
export type { SqliteCacheStoreOptions } from './services/sqlite-cache.js';
export { createSqliteCacheStore } from './services/sqlite-cache.js';
