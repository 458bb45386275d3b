// Entry point `@keel/redis/bus`: needs only `@keel/host` installed, not notify.
export type { EventBus, EventBusStats } from '@keel/host';
export type { RedisConnectionOptions } from './connection.js';
export { DEFAULT_PREFIX } from './connection.js';
export type { RedisAdapterErrorCode } from './errors.js';
export { RedisAdapterError, redactRedisUrl } from './errors.js';
export type { RedisEventBus, RedisEventBusOptions, RedisEventBusStats } from './event-bus.js';
export { createRedisEventBus } from './event-bus.js';
