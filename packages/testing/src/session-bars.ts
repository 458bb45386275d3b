import { createNyseCalendar } from '@keel/calendar';
import type { Bar } from '@keel/contract';
import { generateBars } from '@keel/host';
import { TestingError } from './errors.js';

/** One trading session: open and close in epoch ms (UTC). */
export interface SessionSpan {
  readonly open: number;
  readonly close: number;
}

/**
 * The part of an exchange calendar `sessionBars` needs. `createNyseCalendar()` from
 * `@keel/calendar` satisfies it, as does any `ExchangeCalendar`.
 */
export interface SessionCalendar {
  /** The session on an exchange-local `YYYY-MM-DD` date, or `null` on a holiday or weekend. */
  sessionOn(date: string): SessionSpan | null;
  /** Every session between two dates, both included. */
  sessionsBetween(fromDate: string, toDate: string): readonly SessionSpan[];
}

/** Prices for one bar; the time comes from the session. */
export type BarShape = (index: number, time: number) => Omit<Bar, 'time'>;

export interface SessionBarsOptions {
  /** The exchange calendar; default NYSE (`createNyseCalendar()` from `@keel/calendar`). */
  readonly calendar?: SessionCalendar;
  /** Exchange-local dates; holidays and weekends yield no bars. */
  readonly dates?: readonly string[];
  /** Every session in this range of exchange-local dates, both ends included. */
  readonly sessions?: { readonly from: string; readonly to: string };
  /** Bar spacing (default 5 minutes). Bars start at the open; the last one starts before the close. */
  readonly intervalMs?: number;
  /** Seed of the default random walk (default 1). */
  readonly seed?: number;
  /** Overrides the default random-walk prices, e.g. to plant a burst on every 20th bar. */
  readonly shape?: BarShape;
}

/**
 * Bars covering whole exchange sessions, so scheduled plugins see real opens and closes (early
 * closes included: 2024-07-03 has 42 five-minute NYSE bars). Prices are a seeded random walk unless
 * `shape` is given.
 */
export function sessionBars(options: SessionBarsOptions): Bar[] {
  const interval = options.intervalMs ?? 300_000;
  if (!Number.isInteger(interval) || interval <= 0) {
    throw new TestingError(
      'TESTING_INVALID_OPTION',
      `intervalMs must be a positive integer (got ${interval})`,
      {
        field: 'intervalMs',
        value: interval,
      },
    );
  }
  const spans = sessionsOf(options);
  const times: number[] = [];
  for (const s of spans) for (let t = s.open; t < s.close; t += interval) times.push(t);
  const shape = options.shape;
  if (shape !== undefined) return times.map((time, i) => ({ ...shape(i, time), time }));
  const walk = generateBars({ count: times.length, seed: options.seed ?? 1 });
  return times.map((time) => ({ ...walk.next().value, time }) as Bar);
}

function sessionsOf(options: SessionBarsOptions): readonly SessionSpan[] {
  const { dates, sessions } = options;
  const calendar = options.calendar ?? nyse();
  if ((dates === undefined) === (sessions === undefined)) {
    throw new TestingError('TESTING_INVALID_OPTION', 'give exactly one of dates or sessions', {
      field: dates === undefined ? 'dates' : 'sessions',
      hint: "sessionBars({ calendar, dates: ['2024-07-01'] }) or { sessions: { from, to } }",
    });
  }
  if (sessions !== undefined) return calendar.sessionsBetween(sessions.from, sessions.to);
  const spans: SessionSpan[] = [];
  for (const date of dates ?? []) {
    const s = calendar.sessionOn(date);
    if (s !== null) spans.push(s);
  }
  return spans;
}

let defaultCalendar: SessionCalendar | undefined;
/** One NYSE calendar per process: building its holiday tables is not free. */
function nyse(): SessionCalendar {
  defaultCalendar ??= createNyseCalendar();
  return defaultCalendar;
}
