import { createExchangeCalendar, type ExchangeCalendar } from './exchange-calendar.js';

export interface AlwaysOpenCalendarOptions {
  /** Calendar id (default `24/7`). */
  id?: string;
  /** Zone whose midnight splits the days into sessions (default `UTC`). */
  timeZone?: string;
}

/**
 * A market that never closes (crypto): every day is one session from midnight to midnight in
 * `timeZone`, so `isOpen` is always true, `@close` means the daily close at midnight and `@idle`
 * never fires.
 */
export function createAlwaysOpenCalendar(options: AlwaysOpenCalendarOptions = {}): ExchangeCalendar {
  return createExchangeCalendar({
    id: options.id ?? '24/7',
    timeZone: options.timeZone ?? 'UTC',
    open: '00:00',
    close: '24:00',
    weekendDays: [],
  });
}
