import type { ExchangeCalendar } from '@keel/calendar';
import type { Schedule } from '@keel/contract';
import { Cron } from 'croner';

/** The due times of a time-based schedule. */
export interface Trigger {
  /** The first due time strictly after `t`, or `undefined` when there is none. */
  next(t: number): number | undefined;
}

// How many closed-market candidates an `@idle` search tries before concluding the market never
// closes (a 24/7 calendar).
const MAX_IDLE_HOPS = 64;

/**
 * Due times of a parsed schedule on an exchange calendar, or `undefined` for `on:<event>`, which
 * has none. Intervals and `@idle` are aligned to multiples of their period since the epoch, so a
 * `every 5m` job runs at :00, :05, … whatever time it was added.
 */
export function createTrigger(schedule: Schedule, calendar: ExchangeCalendar): Trigger | undefined {
  switch (schedule.kind) {
    case 'open': {
      const off = schedule.offsetMs;
      return { next: (t) => calendar.nextOpen(t - off) + off };
    }
    case 'close': {
      const off = schedule.offsetMs;
      return { next: (t) => calendar.nextClose(t - off) + off };
    }
    case 'interval': {
      const every = schedule.everyMs;
      return { next: (t) => (Math.floor(t / every) + 1) * every };
    }
    case 'idle': {
      const every = schedule.everyMs;
      return {
        next(t) {
          let candidate = (Math.floor(t / every) + 1) * every;
          for (let hop = 0; hop < MAX_IDLE_HOPS; hop++) {
            if (!calendar.isOpen(candidate)) return candidate;
            // Closed again from the close instant on: the first multiple at or after it.
            candidate = Math.ceil(calendar.nextClose(candidate) / every) * every;
          }
          return undefined;
        },
      };
    }
    case 'cron': {
      const cron = new Cron(schedule.expression, {
        timezone: schedule.timezone ?? calendar.timeZone,
        paused: true,
      });
      return { next: (t) => cron.nextRun(new Date(t))?.getTime() };
    }
    case 'event':
      return undefined;
  }
}
