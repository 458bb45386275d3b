import { formatValue, KeelError, type KeelErrorOptions } from '@keel/contract';

/** Stable codes of every error `@keel/host` throws, returns or records. */
export type HostErrorCode =
  | 'HOST_SERVICE_UNAVAILABLE'
  | 'HOST_IMPORT_FAILED'
  | 'HOST_NO_PLUGIN_EXPORT'
  | 'HOST_INVALID_MANIFEST'
  | 'HOST_DUPLICATE_ID'
  | 'HOST_UNSUPPORTED_ISOLATION'
  | 'HOST_WORKER_FAILED'
  | 'HOST_INVALID_CONFIG'
  | 'HOST_SETUP_FAILED'
  | 'HOST_UNKNOWN_PLUGIN'
  | 'HOST_BUSY'
  | 'HOST_DISPOSED'
  | 'HOST_INVALID_OPTION'
  | 'HOST_INVALID_ARGUMENT'
  | 'HOST_PLUGIN_ERROR'
  | 'HOST_TIMEOUT'
  | 'HOST_INVALID_READING'
  | 'HOST_WINDOW_WRITE'
  | 'HOST_CSV_INVALID'
  | 'HOST_INVALID_STATE';

/** Errors raised by `@keel/host`. Messages are one line and name the offending field and value. */
export class HostError extends KeelError<HostErrorCode> {}

/** Raised by `readCsvBars` for a malformed file; `line` is 1-based and counts the header. */
export class CsvBarError extends HostError {
  readonly line: number;
  readonly column: string;

  constructor(line: number, column: string, message: string, options: KeelErrorOptions = {}) {
    super('HOST_CSV_INVALID', `line ${line}, column ${column}: ${message}`, { field: column, ...options });
    this.line = line;
    this.column = column;
  }
}

/**
 * One-line description of anything a plugin threw: hostile throws (objects whose `message` getter
 * throws, Proxies, symbols) must never escape the boundary that caught them.
 */
export function describeThrown(thrown: unknown): string {
  try {
    if (thrown instanceof Error) {
      const message = thrown.message;
      const text = typeof message === 'string' && message !== '' ? message : thrown.name;
      return oneLine(String(text));
    }
    return `non-error thrown: ${formatValue(thrown)}`;
  } catch {
    return 'non-error thrown: [unprintable]';
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
