import { KeelError } from '@keel/contract';

export type SchedulerErrorCode =
  | 'SCHEDULER_INVALID_ENTRY'
  | 'SCHEDULER_DUPLICATE_PLUGIN'
  | 'SCHEDULER_TIME_REVERSED'
  | 'SCHEDULER_NO_BUS'
  | 'SCHEDULER_TIMEOUT'
  | 'SCHEDULER_INVALID_RESULT'
  | 'SCHEDULER_RUN_FAILED'
  | 'SCHEDULER_PLUGIN_REMOVED'
  | 'SCHEDULER_UNKNOWN_JOB'
  | 'SCHEDULER_JOB_BUSY'
  | 'SCHEDULER_INVALID_OPTION';

/** Errors of the scheduler: bad entries and options, and the causes recorded in failed runs. */
export class SchedulerError extends KeelError<SchedulerErrorCode> {}

export type BusErrorCode =
  | 'BUS_INVALID_TYPE'
  | 'BUS_INVALID_PATTERN'
  | 'BUS_NOT_JSON_SAFE'
  | 'BUS_INVALID_OPTION';

/** Errors the event bus throws at the publisher or subscriber for invalid input. */
export class BusError extends KeelError<BusErrorCode> {}

export type RpcErrorCode =
  | 'RPC_UNKNOWN_METHOD'
  | 'RPC_TIMEOUT'
  | 'RPC_HANDLER_FAILED'
  | 'RPC_NAME_TAKEN'
  | 'RPC_INVALID_NAME'
  | 'RPC_INVALID_PAYLOAD'
  | 'RPC_INVALID_OPTION'
  | 'RPC_ABORTED';

/** Rejections of `rpc.call` and `rpc.register`; switch on `code`. */
export class RpcError extends KeelError<RpcErrorCode> {}

export type CacheErrorCode =
  | 'CACHE_INVALID_KEY'
  | 'CACHE_NOT_JSON_SAFE'
  | 'CACHE_INVALID_OPTION'
  | 'CACHE_CLOSED'
  | 'CACHE_SQLITE_UNAVAILABLE';

/**
 * Errors of the persistent cache: invalid keys, values or options, use after `close()`, or a SQLite
 * cache opened without its optional peer `better-sqlite3` installed.
 */
export class CacheError extends KeelError<CacheErrorCode> {}

export { describeThrown } from '../errors.js';
