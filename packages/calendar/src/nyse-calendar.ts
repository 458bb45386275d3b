import { dayNumber, formatDay, lastWeekday, nthWeekday, parseDay, weekdayOf } from './civil-date.js';
import { easterSunday } from './easter.js';
import {
  createExchangeCalendar,
  type EarlyClose,
  type ExchangeCalendar,
  type Holiday,
} from './exchange-calendar.js';

const MON = 1;
const THU = 4;
const SAT = 6;
const SUN = 0;

/** NYSE closures that no rule predicts (national days of mourning, emergencies), since 2001. */
export const NYSE_SPECIAL_CLOSURES: readonly Holiday[] = Object.freeze([
  { date: '2001-09-11', name: 'September 11 attacks' },
  { date: '2001-09-12', name: 'September 11 attacks' },
  { date: '2001-09-13', name: 'September 11 attacks' },
  { date: '2001-09-14', name: 'September 11 attacks' },
  { date: '2004-06-11', name: 'National Day of Mourning for President Reagan' },
  { date: '2007-01-02', name: 'National Day of Mourning for President Ford' },
  { date: '2012-10-29', name: 'Hurricane Sandy' },
  { date: '2012-10-30', name: 'Hurricane Sandy' },
  { date: '2018-12-05', name: 'National Day of Mourning for President George H. W. Bush' },
  { date: '2025-01-09', name: 'National Day of Mourning for President Carter' },
]);

export interface NyseCalendarOptions {
  /** Closures to add to the rules and {@link NYSE_SPECIAL_CLOSURES}, e.g. a newly announced one. */
  extraHolidays?: readonly Holiday[];
  /** Extra 13:00 (or other) early closes. */
  extraEarlyCloses?: readonly EarlyClose[];
}

/**
 * The NYSE calendar: regular session 09:30–16:00 America/New_York, weekends, the holidays and 13:00
 * early closes of NYSE Rule 7.2 computed for any year, plus {@link NYSE_SPECIAL_CLOSURES}.
 */
export function createNyseCalendar(options: NyseCalendarOptions = {}): ExchangeCalendar {
  const extraHolidays = options.extraHolidays ?? [];
  const extraEarly = options.extraEarlyCloses ?? [];
  return createExchangeCalendar({
    id: 'XNYS',
    timeZone: 'America/New_York',
    open: '09:30',
    close: '16:00',
    holidays: (year) => [
      ...nyseHolidays(year),
      ...inYear(NYSE_SPECIAL_CLOSURES, year),
      ...inYear(extraHolidays, year),
    ],
    earlyCloses: (year) => [...nyseEarlyCloses(year), ...inYear(extraEarly, year)],
  });
}

/**
 * The rule-based NYSE holidays observed in `year`, in date order (special closures not included).
 * A holiday on Saturday is observed on the Friday before, on Sunday on the Monday after, except New
 * Year's Day on a Saturday, which is not observed at all (the year-end Friday stays a trading day).
 */
export function nyseHolidays(year: number): Holiday[] {
  const out: Array<[number, string]> = [];
  const newYear = dayNumber(year, 1, 1);
  if (weekdayOf(newYear) === SUN) out.push([newYear + 1, "New Year's Day"]);
  else if (weekdayOf(newYear) !== SAT) out.push([newYear, "New Year's Day"]);
  if (year >= 1998) out.push([nthWeekday(year, 1, MON, 3), 'Martin Luther King Jr. Day']);
  out.push([nthWeekday(year, 2, MON, 3), "Washington's Birthday"]);
  out.push([easterSunday(year) - 2, 'Good Friday']);
  out.push([lastWeekday(year, 5, MON), 'Memorial Day']);
  if (year >= 2022) out.push([observed(dayNumber(year, 6, 19)), 'Juneteenth National Independence Day']);
  out.push([observed(dayNumber(year, 7, 4)), 'Independence Day']);
  out.push([nthWeekday(year, 9, MON, 1), 'Labor Day']);
  out.push([nthWeekday(year, 11, THU, 4), 'Thanksgiving Day']);
  out.push([observed(dayNumber(year, 12, 25)), 'Christmas Day']);
  out.sort((a, b) => a[0] - b[0]);
  return out.map(([day, name]) => ({ date: formatDay(day), name }));
}

/**
 * The NYSE 13:00 early closes of `year`: July 3 when Independence Day falls Tuesday to Friday, the
 * day after Thanksgiving, and Christmas Eve when it falls Monday to Thursday.
 */
export function nyseEarlyCloses(year: number): EarlyClose[] {
  const out: EarlyClose[] = [];
  const july3 = dayNumber(year, 7, 3);
  if (weekdayOf(july3) >= MON && weekdayOf(july3) <= THU) {
    out.push({ date: formatDay(july3), name: 'Day before Independence Day', close: '13:00' });
  }
  out.push({
    date: formatDay(nthWeekday(year, 11, THU, 4) + 1),
    name: 'Day after Thanksgiving',
    close: '13:00',
  });
  const christmasEve = dayNumber(year, 12, 24);
  if (weekdayOf(christmasEve) >= MON && weekdayOf(christmasEve) <= THU) {
    out.push({ date: formatDay(christmasEve), name: 'Christmas Eve', close: '13:00' });
  }
  return out;
}

function observed(day: number): number {
  const wd = weekdayOf(day);
  if (wd === SAT) return day - 1;
  if (wd === SUN) return day + 1;
  return day;
}

function inYear<T extends { date: string }>(list: readonly T[], year: number): T[] {
  return list.filter((item) => new Date(parseDay(item.date) * 86_400_000).getUTCFullYear() === year);
}
