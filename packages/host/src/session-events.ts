import type { ExchangeCalendar } from '@keel/calendar';
import type { Clock, JsonValue } from '@keel/contract';

/** Event types the host publishes (source `host`) as the market opens and closes. */
export const MARKET_OPEN_EVENT = 'market_open';
export const MARKET_CLOSE_EVENT = 'market_close';

// Most instants one crossing publishes: a far-future bar must not flood the bus with decades of
// sessions. Beyond it the oldest are skipped (and counted), the newest are still published.
const MAX_CROSSINGS = 64;
// Live timers re-check at least this often (a sleeping laptop, a clock jump).
const MAX_TIMER_MS = 60_000;

export interface SessionEventsOptions {
  readonly calendar: ExchangeCalendar;
  readonly publish: (type: string, data: JsonValue) => void;
  /** Moves the replay clock to an instant before its event is published (so `event.time` is that instant). */
  readonly moveTo: (time: number) => void;
}

/**
 * Publishes `market_open` / `market_close` when time crosses a session's open or close on the
 * host's calendar: bar time in a replay (an instant at or before a bar is published before that bar
 * is processed), the wall clock in live mode. `edge` is the next instant to publish; a replay
 * compares each bar's time against it, so bars inside a session cost one comparison.
 */
export class SessionEvents {
  /** The next open or close not yet published; -Infinity until time first starts, +Infinity: none. */
  edge = Number.NEGATIVE_INFINITY;
  /** Instants skipped by a crossing longer than 64 instants. */
  skipped = 0;
  private readonly options: SessionEventsOptions;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SessionEventsOptions) {
    this.options = options;
  }

  /**
   * Publishes every instant up to and including `time`. The first call starts the sequence at
   * `time`: nothing before the data begins is published, an open exactly at `time` is.
   */
  cross(time: number, moveClock = true): void {
    if (this.edge === Number.NEGATIVE_INFINITY) this.edge = this.nextInstant(time - 1);
    if (!(this.edge <= time)) return;
    let count = 0;
    // Count first, so a long gap publishes its newest instants, not its oldest.
    for (let t = this.edge; t <= time && count <= MAX_CROSSINGS; t = this.nextInstant(t)) count++;
    if (count > MAX_CROSSINGS) {
      let from = time;
      for (let i = 0; i < MAX_CROSSINGS; i++) from = this.previousInstant(from);
      this.skipped += this.countBetween(this.edge, from);
      this.edge = from;
    }
    while (this.edge <= time) {
      const at = this.edge;
      if (moveClock) this.options.moveTo(at);
      this.publishAt(at);
      this.edge = this.nextInstant(at);
    }
  }

  /** Forgets where it was: a replay restarting. */
  reset(): void {
    this.stopLive();
    this.edge = Number.NEGATIVE_INFINITY;
  }

  /** Live mode: publishes on the wall clock from now on (past instants are not replayed). */
  startLive(clock: Clock): void {
    this.stopLive();
    this.edge = this.nextInstant(clock.now());
    const arm = (): void => {
      const delay = Math.min(Math.max(this.edge - clock.now(), 0), MAX_TIMER_MS);
      this.timer = setTimeout(() => {
        this.cross(clock.now(), false);
        arm();
      }, delay);
      this.timer.unref?.();
    };
    arm();
  }

  stopLive(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private publishAt(at: number): void {
    const calendar = this.options.calendar;
    // An open is the start of the session it falls in; a close ends the session just before it.
    const open = calendar.sessionAt(at);
    if (open !== null && open.open === at) {
      this.options.publish(MARKET_OPEN_EVENT, sessionData(open));
      return;
    }
    const closed = calendar.sessionAt(at - 1);
    if (closed !== null) this.options.publish(MARKET_CLOSE_EVENT, sessionData(closed));
  }

  /** The first open or close strictly after `t` (+Infinity when the calendar has none). */
  private nextInstant(t: number): number {
    try {
      const calendar = this.options.calendar;
      return Math.min(calendar.nextOpen(t), calendar.nextClose(t));
    } catch {
      return Number.POSITIVE_INFINITY;
    }
  }

  /** The last open or close strictly before `t`. */
  private previousInstant(t: number): number {
    try {
      const calendar = this.options.calendar;
      return Math.max(calendar.previousOpen(t - 1), calendar.previousClose(t - 1));
    } catch {
      return Number.NEGATIVE_INFINITY;
    }
  }

  private countBetween(from: number, to: number): number {
    let n = 0;
    for (let t = from; t < to; t = this.nextInstant(t)) n++;
    return n;
  }
}

function sessionData(session: { date: string; open: number; close: number; earlyClose: boolean }): JsonValue {
  return { session: session.date, open: session.open, close: session.close, earlyClose: session.earlyClose };
}
