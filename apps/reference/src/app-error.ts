import { KeelError } from '@keel/contract';

/** Run-time failures of the app (not usage mistakes): the CLI prints them and exits with code 1. */
export const APP_ERROR_CODES = {
  DATA_NOT_FOUND: 'the CSV file to replay cannot be read',
  PLUGIN_LOAD_FAILED: 'at least one plugin entry did not load and --allow-load-errors was not given',
} as const;
export type AppErrorCode = keyof typeof APP_ERROR_CODES;
export class AppError extends KeelError<AppErrorCode> {}
