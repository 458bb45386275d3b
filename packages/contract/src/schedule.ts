import { ContractError } from './errors.js';

/** A parsed `when` of a run-plan entry. */
export type Schedule =
  /** At the session open, shifted by `offsetMs` (may be negative). */
  | { kind: 'open'; offsetMs: number }
  /** At the session close (13:00 on early-close days), shifted by `offsetMs`. */
  | { kind: 'close'; offsetMs: number }
  /** Every `everyMs` while the market is closed. */
  | { kind: 'idle'; everyMs: number }
  /** Every `everyMs`, market open or not. */
  | { kind: 'interval'; everyMs: number }
  /** A 5-field cron expression, evaluated in `timezone` (the exchange's zone when absent). */
  | { kind: 'cron'; expression: string; timezone?: string }
  /** When an event whose type matches `pattern` (`type`, `prefix.*` or `*`) is published. */
  | { kind: 'event'; pattern: string };

export type ScheduleKind = Schedule['kind'];

/** Default spacing of `@idle` runs when no interval is given. */
export const DEFAULT_IDLE_MS = 60 * 60_000;
/** Longest interval or offset accepted: one week. */
export const MAX_SCHEDULE_MS = 7 * 24 * 3_600_000;

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;
type Unit = keyof typeof UNIT_MS;

export const SCHEDULE_GRAMMAR = [
  '@open | @close            (optionally shifted: @open+15m, @close-10m)',
  '@idle | @idle <n>(s|m|h)  (every n while the market is closed; default 60m)',
  'every <n>(s|m|h) | interval_<n>(s|m|h)',
  '<minute> <hour> <day-of-month> <month> <day-of-week>   (5-field cron; prefix TZ=<zone> to set its time zone)',
  'on:<event.type> | on:<prefix>.* | on:*',
].join('; ');

const DURATION = '([1-9]\\d{0,6})(s|m|h)';
const RE_MARKET = new RegExp(`^@(open|close)(?:([+-])${DURATION})?$`);
const RE_IDLE = new RegExp(`^@idle(?:\\s+${DURATION})?$`);
const RE_EVERY = new RegExp(`^(?:every\\s+|interval_)${DURATION}$`);
/** An event type or subscription pattern: `signal.updated`, `signal.*` or `*`. */
export const EVENT_PATTERN = /^(?:\*|[A-Za-z0-9_][A-Za-z0-9_:-]*(?:\.[A-Za-z0-9_:-]+)*(?:\.\*)?)$/;
/** A concrete event type as published (no wildcards). */
export const EVENT_TYPE = /^[A-Za-z0-9_][A-Za-z0-9_:-]*(?:\.[A-Za-z0-9_:-]+)*$/;
const RE_TZ = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/;

/**
 * Parses the run-plan grammar (see {@link SCHEDULE_GRAMMAR}) into a typed {@link Schedule}.
 * Throws a `ContractError` with code `CONTRACT_INVALID_SCHEDULE` naming the text otherwise.
 */
export function parseSchedule(text: string): Schedule {
  const result = safeParseSchedule(text);
  if (!result.ok) throw result.error;
  return result.schedule;
}

export type ScheduleParse = { ok: true; schedule: Schedule } | { ok: false; error: ContractError };

/** Non-throwing form of {@link parseSchedule}. */
export function safeParseSchedule(text: string): ScheduleParse {
  if (typeof text !== 'string') return invalid(text, 'must be a string');
  const src = text.trim().replace(/\s+/g, ' ');
  if (src === '') return invalid(text, 'is empty');

  let m = RE_MARKET.exec(src);
  if (m) {
    const kind = m[1] as 'open' | 'close';
    const offset = m[3] === undefined ? 0 : duration(m[3], m[4] as Unit) * (m[2] === '-' ? -1 : 1);
    if (Math.abs(offset) > MAX_SCHEDULE_MS) return invalid(text, 'offset is longer than one week');
    return { ok: true, schedule: { kind, offsetMs: offset } };
  }
  m = RE_IDLE.exec(src);
  if (m) {
    const everyMs = m[1] === undefined ? DEFAULT_IDLE_MS : duration(m[1], m[2] as Unit);
    if (everyMs > MAX_SCHEDULE_MS) return invalid(text, 'interval is longer than one week');
    return { ok: true, schedule: { kind: 'idle', everyMs } };
  }
  m = RE_EVERY.exec(src);
  if (m) {
    const everyMs = duration(m[1]!, m[2] as Unit);
    if (everyMs > MAX_SCHEDULE_MS) return invalid(text, 'interval is longer than one week');
    return { ok: true, schedule: { kind: 'interval', everyMs } };
  }
  if (src.startsWith('on:') && EVENT_PATTERN.test(src.slice(3))) {
    return { ok: true, schedule: { kind: 'event', pattern: src.slice(3) } };
  }
  if (src.startsWith('on:'))
    return invalid(text, 'event type must look like `signal.updated`, `signal.*` or `*`');

  let cronText = src;
  let timezone: string | undefined;
  const tz = RE_TZ.exec(src);
  if (tz) {
    timezone = tz[1]!;
    cronText = tz[2]!;
    if (!isTimeZone(timezone)) return invalid(text, `unknown time zone ${JSON.stringify(timezone)}`);
  }
  const fields = cronText.split(' ');
  if (fields.length === 5 && fields.every((f) => /^[\d*A-Za-z,/-]+$/.test(f))) {
    const normalized: string[] = [];
    for (let i = 0; i < 5; i++) {
      const checked = checkCronField(fields[i]!, CRON_FIELDS[i]!);
      if (typeof checked !== 'string' || checked.startsWith('!')) {
        return invalid(
          text,
          `cron ${CRON_FIELDS[i]!.name} field ${JSON.stringify(fields[i])} ${String(checked).slice(1)}`,
        );
      }
      normalized.push(checked);
    }
    const schedule: Schedule = { kind: 'cron', expression: normalized.join(' ') };
    if (timezone !== undefined) schedule.timezone = timezone;
    return { ok: true, schedule };
  }
  return invalid(text, 'is not a schedule');
}

/** Canonical text for a schedule; `parseSchedule(formatSchedule(s))` deep-equals `s`. */
export function formatSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'open':
    case 'close': {
      const off = schedule.offsetMs;
      return off === 0
        ? `@${schedule.kind}`
        : `@${schedule.kind}${off < 0 ? '-' : '+'}${formatDuration(Math.abs(off))}`;
    }
    case 'idle':
      return `@idle ${formatDuration(schedule.everyMs)}`;
    case 'interval':
      return `every ${formatDuration(schedule.everyMs)}`;
    case 'cron':
      return schedule.timezone === undefined
        ? schedule.expression
        : `TZ=${schedule.timezone} ${schedule.expression}`;
    case 'event':
      return `on:${schedule.pattern}`;
  }
}

/** True when an event type matches a subscription pattern: exact, `prefix.*` or `*`. */
export function matchesEventPattern(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  const n = pattern.length;
  if (n >= 2 && pattern.charCodeAt(n - 1) === 42 /* * */ && pattern.charCodeAt(n - 2) === 46 /* . */) {
    // Prefix match on `prefix.` without slicing: this runs for every subscription on every event.
    if (type.length < n) return false;
    for (let i = 0; i < n - 1; i++) if (type.charCodeAt(i) !== pattern.charCodeAt(i)) return false;
    return true;
  }
  return pattern === type;
}

function duration(n: string, unit: Unit): number {
  return Number(n) * UNIT_MS[unit];
}

function formatDuration(ms: number): string {
  if (ms % UNIT_MS.h === 0) return `${ms / UNIT_MS.h}h`;
  if (ms % UNIT_MS.m === 0) return `${ms / UNIT_MS.m}m`;
  return `${ms / UNIT_MS.s}s`;
}

function invalid(text: unknown, reason: string): ScheduleParse {
  const shown = typeof text === 'string' ? JSON.stringify(text) : String(text);
  return {
    ok: false,
    error: new ContractError('CONTRACT_INVALID_SCHEDULE', `schedule ${shown} ${reason}`, {
      field: 'when',
      value: text,
      hint: `accepted forms: ${SCHEDULE_GRAMMAR}`,
    }),
  };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 0, max: 7, names: DAYS },
];

// Returns the normalised field, or `!reason` when it is invalid.
function checkCronField(field: string, spec: CronField): string {
  const parts = field.split(',');
  const out: string[] = [];
  for (const part of parts) {
    const [range, step, ...rest] = part.split('/');
    if (rest.length > 0 || range === undefined || range === '') return '!has a malformed step';
    if (step !== undefined && !/^[1-9]\d{0,2}$/.test(step))
      return `!has step ${JSON.stringify(step)} that is not a positive integer`;
    let normRange: string;
    if (range === '*') {
      normRange = '*';
    } else {
      const bounds = range.split('-');
      if (bounds.length > 2) return `!has a malformed range ${JSON.stringify(range)}`;
      const values: number[] = [];
      for (const b of bounds) {
        const v = cronValue(b, spec);
        if (v === undefined) return `!has ${JSON.stringify(b)} outside ${spec.min}-${spec.max}`;
        values.push(v);
      }
      if (values.length === 2 && values[0]! > values[1]!)
        return `!has a reversed range ${JSON.stringify(range)}`;
      normRange = values.join('-');
    }
    out.push(step === undefined ? normRange : `${normRange}/${Number(step)}`);
  }
  return out.join(',');
}

function cronValue(token: string, spec: CronField): number | undefined {
  if (/^\d{1,2}$/.test(token)) {
    const n = Number(token);
    return n >= spec.min && n <= spec.max ? n : undefined;
  }
  const idx = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (idx < 0) return undefined;
  return spec.name === 'month' ? idx + 1 : idx;
}
