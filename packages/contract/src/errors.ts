/** Options every Keel error accepts. `field`/`value` name the offending input when there is one. */
export interface KeelErrorOptions {
  /** Dotted path of the offending field, e.g. `manifest.window` or `extras.atr`. */
  field?: string;
  /** The rejected value. Never pass secrets here: it is shown in messages and `toJSON()`. */
  value?: unknown;
  /** What the user can do about it. */
  hint?: string;
  cause?: unknown;
}

/**
 * Base class of every error Keel packages throw or return. `code` is a stable string literal that
 * callers may switch on; the message is one line, names the field and shows the rejected value.
 */
export class KeelError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly field: string | undefined;
  readonly value: unknown;
  readonly hint: string | undefined;

  constructor(code: Code, message: string, options: KeelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.field = options.field;
    this.value = options.value;
    this.hint = options.hint;
  }

  /** A JSON-safe view for logs and HTTP bodies. */
  toJSON(): { name: string; code: Code; message: string; field?: string; hint?: string } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    };
  }
}

export type ContractErrorCode =
  | 'CONTRACT_INVALID_BAR'
  | 'CONTRACT_NOT_JSON_SAFE'
  | 'CONTRACT_INVALID_READING'
  | 'CONTRACT_INVALID_RESULT'
  | 'CONTRACT_INVALID_SCHEDULE'
  | 'CONTRACT_INVALID_MANIFEST'
  | 'CONTRACT_INVALID_PLUGIN'
  | 'CONTRACT_INVALID_CONFIG';

/** Errors raised by `@keel/contract` validators. */
export class ContractError extends KeelError<ContractErrorCode> {}

/** True for any Keel error, also across duplicated copies of the package (checks shape, not identity). */
export function isKeelError(value: unknown): value is KeelError {
  if (value instanceof KeelError) return true;
  return (
    value instanceof Error &&
    typeof (value as { code?: unknown }).code === 'string' &&
    'hint' in value &&
    'field' in value
  );
}

/**
 * Normalises anything thrown into a `KeelError`, so boundaries (host, HTTP, dispatch) deal with one
 * shape. Keel errors pass through untouched; other errors keep their message and become `cause`.
 */
export function toKeelError<Code extends string>(
  thrown: unknown,
  fallbackCode: Code,
): KeelError<Code | string> {
  if (isKeelError(thrown)) return thrown;
  if (thrown instanceof Error) {
    return new KeelError(fallbackCode, thrown.message || thrown.name, { cause: thrown });
  }
  return new KeelError(fallbackCode, `non-error thrown: ${formatValue(thrown)}`, { cause: thrown });
}

/** Short, single-line rendering of a rejected value for error messages (never throws). */
export function formatValue(value: unknown, maxLength = 60): string {
  let text: string;
  try {
    if (typeof value === 'string') text = JSON.stringify(value);
    else if (typeof value === 'bigint') text = `${value}n`;
    else if (typeof value === 'number') text = Object.is(value, -0) ? '-0' : String(value);
    else if (typeof value === 'function') text = `[function ${value.name || 'anonymous'}]`;
    else if (typeof value === 'symbol') text = value.toString();
    else if (value === undefined) text = 'undefined';
    else if (value instanceof Date)
      text = `Date(${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()})`;
    else if (typeof value === 'object' && value !== null) text = describeObject(value);
    else text = String(value);
  } catch {
    text = '[unprintable]';
  }
  text = text.replace(/\s+/g, ' ');
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

function describeObject(value: object): string {
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null && !Array.isArray(value)) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    return `[${name || 'object'}]`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Array.isArray(value) ? `[array(${value.length})]` : '[object]';
  }
}
