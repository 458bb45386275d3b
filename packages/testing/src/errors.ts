import { KeelError } from '@keel/contract';

/** Stable codes of every error `@keel/testing` throws. */
export type TestingErrorCode =
  | 'TESTING_INVALID_BAR'
  | 'TESTING_INVALID_OPTION'
  | 'TESTING_LOAD_FAILED'
  | 'TESTING_CONTRACT_VIOLATED';

/** Errors raised by `@keel/testing`. Messages are one line and name the offending field and value. */
export class TestingError extends KeelError<TestingErrorCode> {}
