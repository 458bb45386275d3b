// Entry point `@keel/redis/cache`: needs only `@keel/host` installed, not notify.
export type { CacheStats, CacheStore } from '@keel/host';
export type { RedisCacheStore, RedisCacheStoreOptions } from './cache-store.js';
export { createRedisCacheStore } from './cache-store.js';
export type { RedisConnectionOptions } from './connection.js';
export { DEFAULT_PREFIX } from './connection.js';
export type { RedisAdapterErrorCode } from './errors.js';
export { RedisAdapterError, redactRedisUrl } from './errors.js';
