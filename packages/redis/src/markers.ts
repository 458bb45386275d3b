// Entry point `@keel/redis/markers`: needs only `@keel/notify` installed, not the host.
export type { MarkerLease, MarkerStore } from '@keel/notify';
export type { RedisConnectionOptions } from './connection.js';
export { DEFAULT_PREFIX } from './connection.js';
export type { RedisAdapterErrorCode } from './errors.js';
export { RedisAdapterError, redactRedisUrl } from './errors.js';
export type { RedisMarkerStoreOptions } from './marker-store.js';
export { createRedisMarkerStore } from './marker-store.js';
