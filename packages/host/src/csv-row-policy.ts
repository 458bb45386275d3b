import { CsvBarError } from './errors.js';

/** Why a CSV row did not become a bar. */
export type CsvRowReason =
  /** The row could not be split (an unterminated quote). */
  | 'malformed'
  /** Fewer cells than the columns the layout needs. */
  | 'missing_cells'
  /** A price or volume cell that is not a number (empty included). */
  | 'bad_number'
  /** A time cell that is not a date, date-time or unix time. */
  | 'bad_time'
  /** A time at or before the previous bar's. */
  | 'time_not_increasing'
  /** A time far ahead of both neighbours: it rejects itself so the bars after it are kept. */
  | 'time_jump';

export const CSV_ROW_REASONS: readonly CsvRowReason[] = [
  'malformed',
  'missing_cells',
  'bad_number',
  'bad_time',
  'time_not_increasing',
  'time_jump',
];

/** One rejected row: the line (1-based, the header counts), the column, the rejected cell only. */
export interface CsvRejectedRow {
  readonly line: number;
  readonly reason: CsvRowReason;
  readonly column: string;
  /** The offending cell, cut to 64 characters; never the rest of the row. */
  readonly value: string;
  readonly message: string;
}

/** `skip`: count the row and go on; `fail`: throw a `CsvBarError` for the first bad row. */
export type CsvBadRowPolicy = 'skip' | 'fail';

/** Rejected rows kept in detail in a summary (all are counted). */
export const MAX_REJECTED_DETAILS = 1000;

/** Counts rejected rows by reason and keeps the first ones in detail, or throws under `fail`. */
export class RowPolicy {
  readonly byReason: Record<CsvRowReason, number> = {
    malformed: 0,
    missing_cells: 0,
    bad_number: 0,
    bad_time: 0,
    time_not_increasing: 0,
    time_jump: 0,
  };
  total = 0;
  readonly details: CsvRejectedRow[] = [];

  constructor(
    private readonly policy: CsvBadRowPolicy,
    private readonly onRejected: ((row: CsvRejectedRow) => void) | undefined,
  ) {}

  reject(line: number, reason: CsvRowReason, column: string, value: string, message: string): void {
    const cell = value.length > 64 ? `${value.slice(0, 61)}...` : value;
    if (this.policy === 'fail') {
      throw new CsvBarError(line, column, message, {
        value: cell,
        hint: "pass onBadRow: 'skip' to count such rows and go on",
      });
    }
    this.total++;
    this.byReason[reason]++;
    const row: CsvRejectedRow = Object.freeze({ line, reason, column, value: cell, message });
    if (this.details.length < MAX_REJECTED_DETAILS) this.details.push(row);
    this.onRejected?.(row);
  }
}

/** A parsed row waiting for the time guard's verdict. */
export interface TimedRow<T> {
  readonly line: number;
  readonly time: number;
  readonly cell: string;
  readonly column: string;
  readonly value: T;
}

export type Verdict = 'accept' | 'time_not_increasing' | 'time_jump';

// Accepted intervals the adaptive jump threshold looks at.
const RECENT = 16;
// A jump is this many times the median recent interval.
const JUMP_FACTOR = 10;

/**
 * Decides each row's time with one row of lookahead (two for the first row). A row at or before the previous accepted
 * time is `time_not_increasing`. A row followed by a row earlier than itself but later than the
 * previous accepted one is the odd one out when it jumped (more than `maxJumpMs`, default ten
 * times the median of the recent intervals) beyond the previous row while its successor did not:
 * it is rejected as `time_jump`, so one wrong timestamp costs one row, not every row after it.
 */
export class TimeGuard {
  private last = Number.NEGATIVE_INFINITY;
  private readonly intervals: number[] = [];

  constructor(private readonly maxJumpMs: number | undefined) {}

  /**
   * The verdict on a row given the times of the next two parsed rows (`undefined` past the end).
   * The second one only settles the very first row: with nothing before it, a first row above its
   * successor is the odd one out only when the row after that stays below it too.
   */
  judge(time: number, next: number | undefined, afterNext?: number): Verdict {
    const last = this.last;
    if (!(time > last)) return 'time_not_increasing';
    if (next !== undefined && next < time && next > last) {
      if (last === Number.NEGATIVE_INFINITY)
        return afterNext !== undefined && afterNext < time ? 'time_jump' : 'accept';
      const limit = this.maxJumpMs ?? this.adaptiveLimit();
      if (limit === undefined || (time - last > limit && next - last <= limit)) return 'time_jump';
    }
    return 'accept';
  }

  accept(time: number): void {
    if (this.last !== Number.NEGATIVE_INFINITY) {
      if (this.intervals.length === RECENT) this.intervals.shift();
      this.intervals.push(time - this.last);
    }
    this.last = time;
  }

  private adaptiveLimit(): number | undefined {
    if (this.intervals.length === 0) return undefined;
    const sorted = [...this.intervals].sort((a, b) => a - b);
    return JUMP_FACTOR * (sorted[sorted.length >> 1] as number);
  }
}
