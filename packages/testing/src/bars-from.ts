import { type Bar, formatValue, validateBar } from '@keel/contract';
import { TestingError } from './errors.js';

/**
 * One bar as a compact tuple:
 * - `[open, high, low, close]` or `[open, high, low, close, volume]` — times are generated;
 * - `[time, open, high, low, close, volume]` — `time` in epoch ms or an ISO string (`'2024-07-01T13:30Z'`).
 */
export type BarRow =
  | readonly [open: number, high: number, low: number, close: number]
  | readonly [open: number, high: number, low: number, close: number, volume: number]
  | readonly [time: number | string, open: number, high: number, low: number, close: number, volume: number];

export interface BarsFromOptions {
  /** Time of the first generated bar (default 2024-01-02T14:30Z). Ignored for rows that carry a time. */
  readonly start?: number;
  /** Spacing of generated times (default 5 minutes). */
  readonly intervalMs?: number;
  /** Volume for rows without one (default 1000). */
  readonly volume?: number;
  readonly symbol?: string;
}

/**
 * Builds bars from compact rows, so a test's data reads like a table. Every bar is checked with the
 * contract's `validateBar`: a typo such as a high below the close fails here, naming the row,
 * instead of turning into a silently rejected bar.
 */
export function barsFrom(rows: ReadonlyArray<BarRow>, options: BarsFromOptions = {}): Bar[] {
  const start = options.start ?? Date.UTC(2024, 0, 2, 14, 30);
  const interval = options.intervalMs ?? 300_000;
  return rows.map((row, i) => {
    const plain = toBar(row, start + i * interval, options.volume ?? 1000, i);
    const bar: Bar = options.symbol === undefined ? plain : { ...plain, symbol: options.symbol };
    const check = validateBar(bar);
    if (!check.ok) {
      throw new TestingError('TESTING_INVALID_BAR', `rows[${i}]: ${check.message}`, {
        field: `rows[${i}].${check.field}`,
        value: row,
      });
    }
    return bar;
  });
}

function toBar(row: BarRow, time: number, volume: number, i: number): Bar {
  if (row.length === 6) {
    const [t, open, high, low, close, vol] = row;
    return { time: toTime(t, i), open, high, low, close, volume: vol };
  }
  if (row.length === 4 || row.length === 5) {
    const [open, high, low, close, vol] = row;
    return { time, open, high, low, close, volume: vol ?? volume };
  }
  throw new TestingError(
    'TESTING_INVALID_BAR',
    `rows[${i}] has ${(row as readonly unknown[]).length} values; expected 4, 5 or 6`,
    {
      field: `rows[${i}]`,
      value: row,
      hint: '[open, high, low, close, volume?] or [time, open, high, low, close, volume]',
    },
  );
}

function toTime(time: number | string, i: number): number {
  const t = typeof time === 'number' ? time : Date.parse(time);
  if (!Number.isFinite(t)) {
    throw new TestingError('TESTING_INVALID_BAR', `rows[${i}][0]: time ${formatValue(time)} is not a date`, {
      field: `rows[${i}][0]`,
      value: time,
    });
  }
  return t;
}
