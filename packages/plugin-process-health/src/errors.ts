import { KeelError } from '@keel/contract';

export type ProcessHealthErrorCode = 'PROCESS_HEALTH_INVALID_INTERVAL';

/** A bad option given to `createProcessHealth()`. */
export class ProcessHealthError extends KeelError<ProcessHealthErrorCode> {}
