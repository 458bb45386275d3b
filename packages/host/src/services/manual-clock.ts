import type { Clock } from '@keel/contract';
import { SchedulerError } from './errors.js';

/** A clock that only moves when told to: bar time in a replay, or a test's virtual time. */
export interface ManualClock extends Clock {
  /** Moves the clock to `time`; it never goes backwards. */
  set(time: number): void;
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
  /** Puts the clock at `time`, backwards too: a replay restarting. */
  reset(time: number): void;
}

export function createManualClock(start = 0): ManualClock {
  let now = checkTime(start);
  return {
    now: () => now,
    set(time: number) {
      checkTime(time);
      if (time < now) {
        throw new SchedulerError(
          'SCHEDULER_TIME_REVERSED',
          `clock time ${time} is before the current ${now}`,
          {
            field: 'time',
            value: time,
            hint: 'create a new clock to restart a replay',
          },
        );
      }
      now = time;
    },
    advance(ms: number) {
      this.set(now + ms);
    },
    reset(time: number) {
      now = checkTime(time);
    },
  };
}

/** The wall clock. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

function checkTime(time: number): number {
  if (typeof time !== 'number' || !Number.isFinite(time)) {
    throw new SchedulerError(
      'SCHEDULER_INVALID_OPTION',
      `time must be finite epoch ms, got ${String(time)}`,
      {
        field: 'time',
        value: time,
      },
    );
  }
  return time;
}
