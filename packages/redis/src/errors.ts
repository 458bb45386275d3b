import { KeelError } from '@keel/contract';

export type RedisAdapterErrorCode =
  /** Bad adapter options (no connection, both `redis` and `url`, a non-positive number). */
  | 'REDIS_INVALID_OPTION'
  /** A command failed: connection refused or lost, or Redis answered with an error. */
  | 'REDIS_UNAVAILABLE'
  /** A command got no answer within `commandTimeoutMs` (Redis down and ioredis still reconnecting). */
  | 'REDIS_TIMEOUT'
  /** The adapter was closed. */
  | 'REDIS_CLOSED';

/** Every error the Redis adapters throw or report. Messages never contain URL credentials. */
export class RedisAdapterError extends KeelError<RedisAdapterErrorCode> {}

/** `redis://user:secret@host:6379/0` → `redis://<redacted>@host:6379/0`. */
export function redactRedisUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@/\s]*@/gi, '$1<redacted>@');
}

/** Wraps whatever a command rejected with; the operation name says what was attempted. */
export function toRedisAdapterError(operation: string, error: unknown): RedisAdapterError {
  if (error instanceof RedisAdapterError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new RedisAdapterError('REDIS_UNAVAILABLE', `${operation} failed: ${redactRedisUrl(text)}`, {
    cause: error,
  });
}
