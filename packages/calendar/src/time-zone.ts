import { CalendarError } from './errors.js';

const MS_PER_DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(timeZone);
  if (fmt === undefined) {
    try {
      fmt = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (cause) {
      throw new CalendarError(
        'CALENDAR_INVALID_TIME_ZONE',
        `timeZone ${JSON.stringify(timeZone)} is not an IANA zone`,
        {
          field: 'timeZone',
          value: timeZone,
          cause,
        },
      );
    }
    formatters.set(timeZone, fmt);
  }
  return fmt;
}

/** Throws `CALENDAR_INVALID_TIME_ZONE` unless `Intl` knows the zone. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

/** Offset of `timeZone` from UTC at instant `t`, in ms (local = utc + offset). DST-correct via `Intl`. */
export function zoneOffsetAt(t: number, timeZone: string): number {
  const whole = Math.floor(t / 1000) * 1000;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatterFor(timeZone).formatToParts(whole)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
    }
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) - whole;
}

/**
 * The instant at which the wall clock in `timeZone` reads `minutes` past midnight of civil day
 * `day` (minutes may reach 1440, meaning midnight at the end of that day). A wall time that does
 * not exist (skipped by a spring-forward change) is shifted forward by the length of the gap and an
 * ambiguous one (repeated in the autumn) resolves to its first occurrence, as Temporal's
 * `compatible` disambiguation does.
 */
export function zonedTimeToEpoch(day: number, minutes: number, timeZone: string): number {
  const local = day * MS_PER_DAY + minutes * 60_000;
  const before = zoneOffsetAt(local - MS_PER_DAY / 2, timeZone);
  const after = zoneOffsetAt(local + MS_PER_DAY / 2, timeZone);
  const early = local - before;
  const late = local - after;
  // Prefer the offset in force before a change when it maps back to the same wall time.
  if (zoneOffsetAt(early, timeZone) === before) return early;
  if (zoneOffsetAt(late, timeZone) === after) return late;
  // In a spring-forward gap neither reading exists.
  return Math.max(early, late);
}

/** Civil day number (in `timeZone`) containing instant `t`. */
export function zonedDayOf(t: number, timeZone: string): number {
  return Math.floor((t + zoneOffsetAt(t, timeZone)) / MS_PER_DAY);
}
