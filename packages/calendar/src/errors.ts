/** Stable codes of every error `@keel/calendar` throws. */
export type CalendarErrorCode =
  | 'CALENDAR_INVALID_DATE'
  | 'CALENDAR_INVALID_TIME'
  | 'CALENDAR_INVALID_TIME_ZONE'
  | 'CALENDAR_INVALID_SPEC'
  | 'CALENDAR_NO_SESSION';

export interface CalendarErrorOptions {
  field?: string;
  value?: unknown;
  hint?: string;
  cause?: unknown;
}

/**
 * Errors raised by `@keel/calendar`. The package has no dependencies, so this mirrors the shape of
 * `KeelError` from `@keel/contract` (`code`, `field`, `value`, `hint`, one-line message) instead of
 * extending it; `isKeelError` and `toKeelError` recognise it by that shape.
 */
export class CalendarError extends Error {
  readonly code: CalendarErrorCode;
  readonly field: string | undefined;
  readonly value: unknown;
  readonly hint: string | undefined;

  constructor(code: CalendarErrorCode, message: string, options: CalendarErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.field = options.field;
    this.value = options.value;
    this.hint = options.hint;
  }

  toJSON(): { name: string; code: CalendarErrorCode; message: string; field?: string; hint?: string } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    };
  }
}
