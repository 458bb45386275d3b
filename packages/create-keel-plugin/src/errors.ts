import { KeelError } from '@keel/contract';

/** Stable codes of every error `create-keel-plugin` throws. */
export type CreateKeelPluginErrorCode =
  | 'CREATE_INVALID_NAME'
  | 'CREATE_INVALID_KIND'
  | 'CREATE_INVALID_ARGS'
  | 'CREATE_TARGET_NOT_EMPTY';

/** Errors raised by the scaffolder: a `KeelError` with a stable code, one-line message and hint. */
export class CreateKeelPluginError extends KeelError<CreateKeelPluginErrorCode> {}
