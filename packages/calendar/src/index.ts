export type { AlwaysOpenCalendarOptions } from './always-open-calendar.js';
export { createAlwaysOpenCalendar } from './always-open-calendar.js';
export type { CalendarErrorCode } from './errors.js';
export { CalendarError } from './errors.js';
export type {
  EarlyClose,
  ExchangeCalendar,
  ExchangeCalendarSpec,
  Holiday,
  Session,
} from './exchange-calendar.js';
export { createExchangeCalendar } from './exchange-calendar.js';
export type { NyseCalendarOptions } from './nyse-calendar.js';
export { createNyseCalendar, NYSE_SPECIAL_CLOSURES, nyseEarlyCloses, nyseHolidays } from './nyse-calendar.js';
export { assertTimeZone, zonedTimeToEpoch, zoneOffsetAt } from './time-zone.js';
