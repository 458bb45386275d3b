import { KeelError } from '@keel/contract';

/** Stable codes of every error `@keel/calendar` throws. */
export type CalendarErrorCode =
  | 'CALENDAR_INVALID_DATE'
  | 'CALENDAR_INVALID_TIME'
  | 'CALENDAR_INVALID_TIME_ZONE'
  | 'CALENDAR_INVALID_SPEC'
  | 'CALENDAR_NO_SESSION';

/** Errors raised by `@keel/calendar`: a `KeelError` with a stable code and a one-line message. */
export class CalendarError extends KeelError<CalendarErrorCode> {}
