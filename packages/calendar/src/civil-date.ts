import { CalendarError } from './errors.js';

/**
 * Civil (calendar) dates as day numbers: days since 1970-01-01 in the proleptic Gregorian calendar.
 * Day numbers make "the next day", weekday and map keys plain integer arithmetic, with no time zone.
 */
const MS_PER_DAY = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(day: number): number {
  // 1970-01-01 was a Thursday.
  return (((day + 4) % 7) + 7) % 7;
}

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function civilOf(day: number): CivilDate {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function formatDay(day: number): string {
  const { year, month, day: dom } = civilOf(day);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(dom)}`;
}

/** Parses `YYYY-MM-DD` into a day number; rejects impossible dates such as `2023-02-29`. */
export function parseDay(text: string, field = 'date'): number {
  const m = typeof text === 'string' ? DATE_PATTERN.exec(text) : null;
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const dom = Number(m[3]);
    const day = dayNumber(year, month, dom);
    const back = civilOf(day);
    if (back.year === year && back.month === month && back.day === dom) return day;
  }
  throw new CalendarError('CALENDAR_INVALID_DATE', `${field} must be a YYYY-MM-DD date, got ${show(text)}`, {
    field,
    value: text,
  });
}

/** Day number of the `n`-th (1-based) `weekday` of a month. */
export function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = dayNumber(year, month, 1);
  return first + ((weekday - weekdayOf(first) + 7) % 7) + (n - 1) * 7;
}

/** Day number of the last `weekday` of a month. */
export function lastWeekday(year: number, month: number, weekday: number): number {
  const last = dayNumber(year, month + 1, 1) - 1;
  return last - ((weekdayOf(last) - weekday + 7) % 7);
}

export function dayOfEpochMs(t: number): number {
  return Math.floor(t / MS_PER_DAY);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
