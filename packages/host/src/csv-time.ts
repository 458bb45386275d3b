import { zonedTimeToEpoch } from '@keel/calendar';

/** Units of a numeric (unix) time column. */
export type UnixUnit = 's' | 'ms' | 'us' | 'ns';

/** How a time cell failed to parse: the reader turns it into a counted `bad_time` row or an error. */
export interface TimeProblem {
  readonly problem: 'bad_time' | 'naive_time';
  readonly message: string;
}

export interface TimeParseOptions {
  /** IANA zone for times written without an offset (`2024-03-11 09:30`, MT4 files). */
  readonly timeZone?: string | undefined;
}

const MS_PER_DAY = 86_400_000;
// Date with `-`, `.` or `/` (MT4 writes 2024.03.11), or packed 20240311; time with optional
// seconds and fraction; offset Z, UTC/GMT, +hh, +hhmm, +hh:mm.
const DATE_TIME =
  /^(\d{4})([-./]?)(\d{2})\2(\d{2})(?:(?:[ T]|, ?)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?$/;
const UNIX = /^[+-]?\d+(?:\.\d+)?$/;

/**
 * Which unit a unix time is in, from its magnitude: below 1e11 seconds (until the year 5138),
 * below 1e14 milliseconds (from 1973), below 1e17 microseconds, else nanoseconds.
 */
export function unixUnitOf(value: number): UnixUnit {
  const a = Math.abs(value);
  if (a < 1e11) return 's';
  if (a < 1e14) return 'ms';
  if (a < 1e17) return 'us';
  return 'ns';
}

const UNIT_MS: Record<UnixUnit, number> = { s: 1000, ms: 1, us: 1e-3, ns: 1e-6 };

/** True when the cell is a plain number (a unix time rather than a date). */
export function isUnixTime(text: string): boolean {
  return UNIX.test(text);
}

/** A unix time cell to epoch ms (integer, floored). */
export function parseUnixTime(text: string, unit: UnixUnit): number | TimeProblem {
  if (!UNIX.test(text)) return { problem: 'bad_time', message: `${JSON.stringify(text)} is not a unix time` };
  const ms = Math.floor(Number(text) * UNIT_MS[unit]);
  if (!Number.isSafeInteger(ms) || ms < 0)
    return { problem: 'bad_time', message: `${JSON.stringify(text)} is not a unix time after 1970` };
  return ms;
}

/**
 * A date or date-time cell to epoch ms. With an offset it is exact. A date alone is that day,
 * stamped 00:00 UTC (the convention of daily files). A date-time without an offset is local time
 * in `timeZone`; without `timeZone` it is a `naive_time` problem, never silently UTC.
 * `clock` is a separate time-of-day cell (MT4/MT5 files write date and time in two columns).
 */
export function parseDateTime(
  text: string,
  options: TimeParseOptions = {},
  clock?: string,
): number | TimeProblem {
  const m = DATE_TIME.exec(clock === undefined ? text : `${text} ${clock}`);
  if (m === null) {
    const shown = clock === undefined ? text : `${text} ${clock}`;
    return {
      problem: 'bad_time',
      message: `${JSON.stringify(shown)} is not a date like 2024-03-11 13:30:00+00:00`,
    };
  }
  const [, y, , mo, d, h, mi, s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = Number(s);
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(2000, month, 0)).getUTCDate() : 0;
  const leapFix = month === 2 && day === 29 && !isLeap(year);
  if (day < 1 || day > daysInMonth || leapFix || hour > 23 || minute > 59 || second > 59) {
    return { problem: 'bad_time', message: `${JSON.stringify(text)} is not a valid date and time` };
  }
  const ms = frac === '' ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  // Date.UTC maps years 0-99 to 1900+; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  const midnight = date.getTime();
  const sinceMidnight = ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  if (zone !== undefined) {
    const offset = offsetMinutes(zone);
    if (offset === undefined)
      return { problem: 'bad_time', message: `${JSON.stringify(text)} has an invalid UTC offset` };
    return midnight + sinceMidnight - offset * 60_000;
  }
  if (h === undefined) return midnight;
  const timeZone = options.timeZone;
  if (timeZone === undefined) {
    return {
      problem: 'naive_time',
      message: `${JSON.stringify(clock === undefined ? text : `${text} ${clock}`)} has no UTC offset and no timeZone was given`,
    };
  }
  const dayNumber = Math.floor(midnight / MS_PER_DAY);
  return zonedTimeToEpoch(dayNumber, hour * 60 + minute, timeZone) + second * 1000 + ms;
}

/** True when the cell is a time of day (`09:30`, `09:30:15`), the second half of an MT4 timestamp. */
export function isClock(text: string): boolean {
  const m = CLOCK.exec(text);
  return m !== null && Number(m[1]) <= 23;
}

function offsetMinutes(zone: string): number | undefined {
  const z = zone.toUpperCase();
  if (z === 'Z' || z === 'UTC' || z === 'GMT') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const oh = Number(digits.slice(0, 2));
  const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (oh > 23 || om > 59) return undefined;
  return sign * (oh * 60 + om);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
