import { KeelError, type KeelErrorOptions } from '@keel/contract';
import { createRedactor, type Redactor } from './redact.js';

/** Configuration problems: bad options, unknown channels, malformed marker URIs. */
export type NotifyConfigErrorCode =
  | 'UNSUPPORTED_CHANNEL'
  | 'BAD_MARKER_URI'
  | 'INVALID_OPTIONS'
  | 'MISSING_BUCKET_CLIENT'
  | 'SQLITE_UNAVAILABLE';

/** Runtime failures of a delivery. */
export type DeliveryErrorCode = 'SEND_FAILED' | 'RATE_LIMITED' | 'TIMEOUT';

/** Runtime failures of stores and the outbox. */
export type NotifyRuntimeErrorCode = 'MARKER_STORE_FAILED' | 'OUTBOX_FAILED' | 'ABORTED';

export type NotifyErrorCode = NotifyConfigErrorCode | DeliveryErrorCode | NotifyRuntimeErrorCode;

export interface NotifyErrorOptions extends KeelErrorOptions {
  /** Secret values to strip from the message (pattern rules always apply). */
  secrets?: readonly string[];
  /** A ready redactor (e.g. `SendContext.redact`); takes precedence over `secrets`. */
  redact?: Redactor;
}

const patternRedactor = createRedactor();

/**
 * Base class of `@keel/notify` errors. The message, `hint`, a string `value` and the `cause` chain
 * are redacted on construction, so an error can be logged or shown anywhere without leaking secrets.
 * A cause is kept as a redacted copy (name, message, stack), never as the original object, because
 * transport errors often carry the request URL (and with it a token) in their message.
 */
export class NotifyError<Code extends string = NotifyErrorCode> extends KeelError<Code> {
  constructor(code: Code, message: string, options: NotifyErrorOptions = {}) {
    const redact = options.redact ?? (options.secrets ? createRedactor(options.secrets) : patternRedactor);
    const { secrets: _secrets, redact: _redact, cause, value, hint, ...rest } = options;
    const safe: KeelErrorOptions = { ...rest };
    if (value !== undefined) safe.value = typeof value === 'string' ? redact(value) : value;
    if (hint !== undefined) safe.hint = redact(hint);
    if (cause !== undefined) safe.cause = redactCause(cause, redact, 0);
    super(code, redact(message), safe);
  }
}

/**
 * Invalid configuration (`UNSUPPORTED_CHANNEL`, `BAD_MARKER_URI`, `INVALID_OPTIONS`, ...), or a SQLite
 * store used without its optional peer `better-sqlite3` installed (`SQLITE_UNAVAILABLE`).
 */
export class NotifyConfigError extends NotifyError<NotifyConfigErrorCode> {}

export interface DeliveryErrorOptions extends NotifyErrorOptions {
  /** HTTP status (or provider status) when there was a response. */
  status?: number;
  /** The provider asked to wait this long before trying again (`Retry-After`, `retry_after`). */
  retryAfterMs?: number;
  /** Whether trying again can help. Defaults: true for `RATE_LIMITED`/`TIMEOUT`, and for `SEND_FAILED`
   * unless `status` is a 4xx other than 408/429. */
  retryable?: boolean;
}

/** A failed delivery; thrown by publishers and by the dispatcher's timeout. */
export class DeliveryError extends NotifyError<DeliveryErrorCode> {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly retryable: boolean;

  constructor(code: DeliveryErrorCode, message: string, options: DeliveryErrorOptions = {}) {
    const { status, retryAfterMs, retryable, ...rest } = options;
    super(code, message, rest);
    this.status = status;
    this.retryAfterMs =
      retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? Math.max(0, retryAfterMs) : undefined;
    this.retryable = retryable ?? defaultRetryable(code, status);
  }
}

function defaultRetryable(code: DeliveryErrorCode, status: number | undefined): boolean {
  if (code !== 'SEND_FAILED' || status === undefined) return true;
  if (status === 408 || status === 429) return true;
  return status < 400 || status >= 500;
}

function redactCause(cause: unknown, redact: Redactor, depth: number): unknown {
  if (cause instanceof NotifyError) return cause;
  if (cause instanceof Error) {
    const copy = new Error(redact(cause.message));
    copy.name = cause.name;
    if (cause.stack !== undefined) copy.stack = redact(cause.stack);
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') (copy as { code?: unknown }).code = code;
    if (cause.cause !== undefined && depth < 4) copy.cause = redactCause(cause.cause, redact, depth + 1);
    return copy;
  }
  if (typeof cause === 'string') return redact(cause);
  // Arbitrary objects may hold secrets anywhere; keep only a redacted rendering.
  try {
    return redact(JSON.stringify(cause) ?? String(cause));
  } catch {
    return '[unprintable cause]';
  }
}

/**
 * `<ErrorName>: <redacted message>`, the form diagnostics use for a thrown error (§19.2 step 4).
 * Non-errors render as `Error: <value>`.
 */
export function describeError(thrown: unknown, redact: Redactor = patternRedactor): string {
  if (thrown instanceof Error) return `${thrown.name || 'Error'}: ${redact(thrown.message)}`;
  let text: string;
  try {
    text = typeof thrown === 'string' ? thrown : (JSON.stringify(thrown) ?? String(thrown));
  } catch {
    text = String(thrown);
  }
  return `Error: ${redact(text)}`;
}

/** True when the error (or outcome) says a retry may succeed: `retryable !== false`. */
export function isRetryable(thrown: unknown): boolean {
  if (thrown instanceof NotifyConfigError) return false;
  if (thrown !== null && typeof thrown === 'object' && 'retryable' in thrown) {
    return (thrown as { retryable?: unknown }).retryable !== false;
  }
  if (thrown instanceof Error && thrown.name === 'AbortError') return false;
  return true;
}

/** The provider's requested wait, if the thrown value carries one (`retryAfterMs`). */
export function retryAfterOf(thrown: unknown): number | undefined {
  if (thrown !== null && typeof thrown === 'object' && 'retryAfterMs' in thrown) {
    const ms = (thrown as { retryAfterMs?: unknown }).retryAfterMs;
    if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) return ms;
  }
  return undefined;
}
