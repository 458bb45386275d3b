import type { LogFields, Logger } from '@keel/contract';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** One structured log record, as handed to a sink. */
export interface LogRecord {
  readonly time: number;
  readonly level: Exclude<LogLevel, 'silent'>;
  readonly msg: string;
  /** Scope bindings (e.g. `{ plugin: 'atr-burst' }`) merged with the call's fields. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Receives each record that passes the level filter, already rendered as one line. */
export type LogSink = (line: string, record: LogRecord) => void;

export interface LoggerOptions {
  /** Lowest level written (default `info`). */
  level?: LogLevel;
  /** `json` writes one JSON object per line; `pretty` a short human line (default `json`). */
  format?: 'json' | 'pretty';
  /** Where lines go (default: `process.stderr`). */
  sink?: LogSink;
  /** Time source for records (default `Date.now`); inject for reproducible logs. */
  now?: () => number;
  /** Fields attached to every record of this logger. */
  bindings?: Record<string, unknown>;
}

/** The host's logger: the contract `Logger` plus scoping. */
export interface HostLogger extends Logger {
  readonly level: LogLevel;
  /** A logger that adds `bindings` to every record (plugin loggers are `child({ plugin: id })`). */
  child(bindings: Record<string, unknown>): HostLogger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Creates a structured logger. Records below `level` cost one comparison and no allocation. */
export function createLogger(options: LoggerOptions = {}): HostLogger {
  const level = options.level ?? 'info';
  if (!(level in RANK)) throw new TypeError(`unknown log level ${JSON.stringify(level)}`);
  const render = options.format === 'pretty' ? renderPretty : renderJson;
  const sink = options.sink ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const now = options.now ?? Date.now;
  return makeLogger(
    level,
    options.bindings ?? {},
    (record) => {
      let line: string;
      try {
        line = render(record);
      } catch {
        line = JSON.stringify({
          time: record.time,
          level: record.level,
          msg: record.msg,
          fields: '[unrenderable]',
        });
      }
      sink(line, record);
    },
    now,
  );
}

function makeLogger(
  level: LogLevel,
  bindings: Record<string, unknown>,
  emit: (record: LogRecord) => void,
  now: () => number,
): HostLogger {
  const min = RANK[level];
  const write = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields): void => {
    if (RANK[lvl] < min) return;
    emit({
      time: now(),
      level: lvl,
      msg,
      fields: fields === undefined ? bindings : { ...bindings, ...fields },
    });
  };
  return {
    level,
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (more) => makeLogger(level, { ...bindings, ...more }, emit, now),
  };
}

/**
 * Scopes any contract `Logger` (one without `child`) by merging `bindings` into each call's
 * fields, so an injected logger from the app is scoped per plugin like the built-in one.
 */
export function scopeLogger(base: Logger | HostLogger, bindings: Record<string, unknown>): Logger {
  if ('child' in base && typeof base.child === 'function') return base.child(bindings);
  const merge = (fields?: LogFields): LogFields =>
    fields === undefined ? bindings : { ...bindings, ...fields };
  return {
    debug: (msg, fields) => base.debug(msg, merge(fields)),
    info: (msg, fields) => base.info(msg, merge(fields)),
    warn: (msg, fields) => base.warn(msg, merge(fields)),
    error: (msg, fields) => base.error(msg, merge(fields)),
  };
}

function renderJson(record: LogRecord): string {
  return JSON.stringify({
    time: new Date(record.time).toISOString(),
    level: record.level,
    msg: record.msg,
    ...safeFields(record.fields),
  });
}

function renderPretty(record: LogRecord): string {
  const { plugin, ...rest } = safeFields(record.fields);
  const scope = plugin === undefined ? '' : ` [${String(plugin)}]`;
  const extra = Object.keys(rest).length === 0 ? '' : ` ${JSON.stringify(rest)}`;
  return `${new Date(record.time).toISOString()} ${record.level.toUpperCase().padEnd(5)}${scope} ${record.msg}${extra}`;
}

// Log fields come from plugins: errors, BigInts and cycles must render, never throw.
function safeFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new WeakSet<object>();
  for (const key of Object.keys(fields)) out[key] = toLoggable(fields[key], seen, 0);
  return out;
}

function toLoggable(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  switch (typeof value) {
    case 'bigint':
      return `${value}n`;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'function':
      return `[function ${value.name || 'anonymous'}]`;
    case 'symbol':
      return value.toString();
    case 'undefined':
      return null;
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (seen.has(value)) return '[Circular]';
  if (depth >= 8) return '[Deep]';
  seen.add(value);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => toLoggable(v, seen, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value))
    out[key] = toLoggable((value as Record<string, unknown>)[key], seen, depth + 1);
  return out;
}
