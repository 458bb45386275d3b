import { dayOfEpochMs, formatDay, parseDay, weekdayOf } from './civil-date.js';
import { CalendarError } from './errors.js';
import { assertTimeZone, zonedTimeToEpoch } from './time-zone.js';

/** One trading session: `[open, close)` in epoch ms, on an exchange-local date. */
export interface Session {
  /** Exchange-local date, `YYYY-MM-DD`. */
  readonly date: string;
  readonly open: number;
  readonly close: number;
  /** True when the session closes before the regular close (e.g. 13:00 on NYSE half days). */
  readonly earlyClose: boolean;
}

/** A weekday on which the exchange is closed all day. */
export interface Holiday {
  readonly date: string;
  readonly name: string;
}

/** A session that ends early; `close` is the exchange-local `HH:MM`. */
export interface EarlyClose {
  readonly date: string;
  readonly name: string;
  readonly close: string;
}

/**
 * When an exchange trades. Every instant is epoch ms; every date is the exchange-local `YYYY-MM-DD`.
 * A session is the half-open interval `[open, close)`: the market is closed at the close instant.
 */
export interface ExchangeCalendar {
  readonly id: string;
  /** IANA zone the exchange's dates and session times are in. */
  readonly timeZone: string;
  isOpen(t: number): boolean;
  /** The first session open strictly after `t`. */
  nextOpen(t: number): number;
  /** The first session close strictly after `t`. */
  nextClose(t: number): number;
  /** The last session open at or before `t`. */
  previousOpen(t: number): number;
  /** The last session close at or before `t`. */
  previousClose(t: number): number;
  /** The session on an exchange-local date, or `null` on weekends and holidays. */
  sessionOn(date: string): Session | null;
  /** The session `t` falls in, or `null` while the market is closed. */
  sessionAt(t: number): Session | null;
  /** Every session on the dates from `fromDate` to `toDate`, both included, in order. */
  sessionsBetween(fromDate: string, toDate: string): Session[];
  /** Why the exchange is closed on a weekday (`'Good Friday'`), or `null`. */
  holidayOn(date: string): string | null;
}

/** Rules for {@link createExchangeCalendar}: one regular session per trading day. */
export interface ExchangeCalendarSpec {
  readonly id: string;
  readonly timeZone: string;
  /** Regular open, exchange-local `HH:MM`. */
  readonly open: string;
  /** Regular close, exchange-local `HH:MM`, later than `open`; `24:00` is the end of the day. */
  readonly close: string;
  /** Days without a session, 0 = Sunday … 6 = Saturday (default Saturday and Sunday). */
  readonly weekendDays?: readonly number[];
  /** Full-day closures dated in (or observed in) `year`. */
  holidays?(year: number): readonly Holiday[];
  /** Early closes dated in `year`. */
  earlyCloses?(year: number): readonly EarlyClose[];
}

const MS_PER_DAY = 86_400_000;
// Longest run of days without a session that a search walks before giving up.
const MAX_SEARCH_DAYS = 400;
const MAX_RANGE_DAYS = 366 * 200;
const TIME_PATTERN = /^(\d{2}):(\d{2})$/;

interface YearTable {
  holidays: Map<number, string>;
  earlyCloses: Map<number, { minutes: number; name: string }>;
}

/**
 * Builds a calendar with one session per trading day from rules: regular hours, weekend days,
 * holidays and early closes per year. Sessions are computed once per day and cached.
 */
export function createExchangeCalendar(spec: ExchangeCalendarSpec): ExchangeCalendar {
  const { id, timeZone } = spec;
  if (typeof id !== 'string' || id === '') {
    throw new CalendarError('CALENDAR_INVALID_SPEC', `id must be a non-empty string, got ${String(id)}`, {
      field: 'id',
      value: id,
    });
  }
  assertTimeZone(timeZone);
  const openMinutes = parseClock(spec.open, 'open');
  const closeMinutes = parseClock(spec.close, 'close');
  if (closeMinutes <= openMinutes) {
    throw new CalendarError(
      'CALENDAR_INVALID_SPEC',
      `close ${spec.close} must be later than open ${spec.open}`,
      {
        field: 'close',
        value: spec.close,
        hint: 'sessions that cross midnight are not supported',
      },
    );
  }
  const weekend = new Set(spec.weekendDays ?? [0, 6]);
  const years = new Map<number, YearTable>();
  const sessions = new Map<number, Session | null>();

  function yearTable(year: number): YearTable {
    let table = years.get(year);
    if (table !== undefined) return table;
    table = { holidays: new Map(), earlyCloses: new Map() };
    // A rule may observe a holiday in the neighbouring year (e.g. Jan 1 on Saturday observed Dec 31).
    for (const y of [year - 1, year, year + 1]) {
      for (const h of spec.holidays?.(y) ?? []) {
        const day = parseDay(h.date, 'holidays[].date');
        if (yearOfDay(day) === year) table.holidays.set(day, h.name);
      }
    }
    for (const e of spec.earlyCloses?.(year) ?? []) {
      const day = parseDay(e.date, 'earlyCloses[].date');
      const minutes = parseClock(e.close, 'earlyCloses[].close');
      if (minutes <= openMinutes || minutes >= closeMinutes) {
        throw new CalendarError(
          'CALENDAR_INVALID_SPEC',
          `early close ${e.close} on ${e.date} is outside ${spec.open}-${spec.close}`,
          {
            field: 'earlyCloses[].close',
            value: e.close,
          },
        );
      }
      table.earlyCloses.set(day, { minutes, name: e.name });
    }
    years.set(year, table);
    return table;
  }

  function sessionOfDay(day: number): Session | null {
    const cached = sessions.get(day);
    if (cached !== undefined) return cached;
    let session: Session | null = null;
    if (!weekend.has(weekdayOf(day))) {
      const table = yearTable(yearOfDay(day));
      if (!table.holidays.has(day)) {
        const early = table.earlyCloses.get(day);
        session = Object.freeze({
          date: formatDay(day),
          open: zonedTimeToEpoch(day, openMinutes, timeZone),
          close: zonedTimeToEpoch(day, early?.minutes ?? closeMinutes, timeZone),
          earlyClose: early !== undefined,
        });
      }
    }
    sessions.set(day, session);
    return session;
  }

  // A session's local date is within one day of the UTC date of any instant inside it.
  function sessionAt(t: number): Session | null {
    const d = dayOfEpochMs(checkTime(t));
    for (let day = d - 1; day <= d + 1; day++) {
      const s = sessionOfDay(day);
      if (s !== null && s.open <= t && t < s.close) return s;
    }
    return null;
  }

  function searchForward(t: number, pick: (s: Session) => number): number {
    const d = dayOfEpochMs(checkTime(t));
    for (let day = d - 1; day <= d + MAX_SEARCH_DAYS; day++) {
      const s = sessionOfDay(day);
      if (s !== null && pick(s) > t) return pick(s);
    }
    return noSession(t, 'after');
  }

  function searchBackward(t: number, pick: (s: Session) => number): number {
    const d = dayOfEpochMs(checkTime(t));
    for (let day = d + 1; day >= d - MAX_SEARCH_DAYS; day--) {
      const s = sessionOfDay(day);
      if (s !== null && pick(s) <= t) return pick(s);
    }
    return noSession(t, 'at or before');
  }

  function noSession(t: number, where: string): never {
    throw new CalendarError(
      'CALENDAR_NO_SESSION',
      `calendar ${id} has no session ${where} ${new Date(t).toISOString()}`,
      {
        field: 't',
        value: t,
      },
    );
  }

  return Object.freeze({
    id,
    timeZone,
    isOpen: (t: number) => sessionAt(t) !== null,
    nextOpen: (t: number) => searchForward(t, openOf),
    nextClose: (t: number) => searchForward(t, closeOf),
    previousOpen: (t: number) => searchBackward(t, openOf),
    previousClose: (t: number) => searchBackward(t, closeOf),
    sessionOn: (date: string) => sessionOfDay(parseDay(date)),
    sessionAt,
    sessionsBetween(fromDate: string, toDate: string): Session[] {
      const from = parseDay(fromDate, 'fromDate');
      const to = parseDay(toDate, 'toDate');
      if (to - from > MAX_RANGE_DAYS) {
        throw new CalendarError(
          'CALENDAR_INVALID_DATE',
          `toDate ${toDate} is more than 200 years after ${fromDate}`,
          {
            field: 'toDate',
            value: toDate,
          },
        );
      }
      const out: Session[] = [];
      for (let day = from; day <= to; day++) {
        const s = sessionOfDay(day);
        if (s !== null) out.push(s);
      }
      return out;
    },
    holidayOn(date: string): string | null {
      const day = parseDay(date);
      return yearTable(yearOfDay(day)).holidays.get(day) ?? null;
    },
  });
}

function openOf(s: Session): number {
  return s.open;
}

function closeOf(s: Session): number {
  return s.close;
}

function yearOfDay(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

function parseClock(text: string, field: string): number {
  const m = typeof text === 'string' ? TIME_PATTERN.exec(text) : null;
  if (m) {
    const minutes = Number(m[1]) * 60 + Number(m[2]);
    if (Number(m[2]) < 60 && minutes <= 24 * 60) return minutes;
  }
  throw new CalendarError(
    'CALENDAR_INVALID_SPEC',
    `${field} must be HH:MM between 00:00 and 24:00, got ${String(text)}`,
    {
      field,
      value: text,
    },
  );
}

function checkTime(t: number): number {
  if (typeof t !== 'number' || !Number.isFinite(t)) {
    throw new CalendarError('CALENDAR_INVALID_TIME', `t must be finite epoch ms, got ${String(t)}`, {
      field: 't',
      value: t,
    });
  }
  return t;
}
