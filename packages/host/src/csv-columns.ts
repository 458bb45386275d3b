import { CsvBarError } from './errors.js';
import { isClock, isUnixTime, parseDateTime } from './csv-time.js';

/** A column named as in the header (any case, spaces, `_` or `<>` ignored) or by 0-based index. */
export type CsvColumnRef = string | number;

/** Explicit columns; any left out are detected. */
export interface CsvColumnMap {
  /** The timestamp, or the date when `clock` holds the time of day. */
  readonly time?: CsvColumnRef;
  /** A separate time-of-day column (`09:30`), as MT4/MT5 exports write it. */
  readonly clock?: CsvColumnRef;
  readonly open?: CsvColumnRef;
  readonly high?: CsvColumnRef;
  readonly low?: CsvColumnRef;
  /** E.g. `'Adj Close'`: never picked automatically (it would not match open, high and low). */
  readonly close?: CsvColumnRef;
  readonly volume?: CsvColumnRef;
}

/** Where each field is in a row. -1: the file has no such column. */
export interface CsvLayout {
  readonly header: boolean;
  /** Header cells as written, or `column 1`, `column 2`… without a header: used in messages. */
  readonly names: readonly string[];
  readonly time: number;
  readonly clock: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Only a close (`Date,PX_LAST`): bars get open = high = low = close. */
  readonly closeOnly: boolean;
  readonly aux: ReadonlyArray<readonly [name: string, index: number]>;
  /** The highest index a row must reach. */
  readonly lastIndex: number;
}

// Normalised names (lower case, no spaces, `_`, `-`, `.` or `<>`), in order of preference.
const TIME_NAMES = [
  'datetime',
  'timestamp',
  'date',
  'time',
  'ts',
  'dt',
  'gmttime',
  'localtime',
  'unix',
  'epoch',
];
const CLOCK_NAMES = ['time', 'clock', 'timeofday'];
const NAMES = {
  open: ['open', 'o', 'openprice'],
  high: ['high', 'h', 'highprice', 'max'],
  low: ['low', 'l', 'lowprice', 'min'],
  close: ['close', 'c', 'pxlast', 'last', 'closeprice', 'price', 'value'],
  volume: ['volume', 'vol', 'v', 'tickvol', 'tickvolume', 'realvolume'],
} as const;

/** `Adj Close` → `adjclose`, `<TICKVOL>` → `tickvol`, `PX_LAST` → `pxlast`. */
export function normalizeColumnName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_<>".-]/g, '');
}

/** True when a first line is data, not names: its first cell is a date or a unix time. */
export function looksLikeData(cells: readonly string[]): boolean {
  const first = (cells[0] ?? '').trim();
  if (first === '') return false;
  if (isUnixTime(first))
    return cells.slice(1).every((c) => c.trim() === '' || isUnixTime(c.trim()) || isClock(c.trim()));
  const parsed = parseDateTime(first, { timeZone: 'UTC' });
  return typeof parsed === 'number';
}

export interface LayoutInput {
  readonly columns?: CsvColumnMap | undefined;
  readonly aux?: readonly string[] | undefined;
}

/** Reads a header row into a layout. Throws a `CsvBarError` (line 1, column `header`) when a field is missing. */
export function layoutFromHeader(cells: readonly string[], lineNo: number, input: LayoutInput): CsvLayout {
  const names = cells.map((c) => c.trim());
  const norm = names.map(normalizeColumnName);
  const given = input.columns ?? {};
  const find = (field: string, ref: CsvColumnRef | undefined, candidates: readonly string[]): number => {
    if (ref !== undefined) return resolveRef(field, ref, norm, names, lineNo);
    for (const c of candidates) {
      const at = norm.indexOf(c);
      if (at >= 0) return at;
    }
    return -1;
  };
  const time = find('time', given.time, TIME_NAMES);
  let clock = given.clock === undefined ? -1 : resolveRef('clock', given.clock, norm, names, lineNo);
  // `date` and `time` side by side (MT5's <DATE>, <TIME>): the date plus a time-of-day column.
  if (given.time === undefined && given.clock === undefined && norm[time] === 'date') {
    clock = norm.findIndex((n, i) => i !== time && CLOCK_NAMES.includes(n));
  }
  if (time < 0) {
    throw new CsvBarError(lineNo, 'header', `no time column (expected one of ${TIME_NAMES.join(', ')})`, {
      hint: 'name it with the `columns.time` option',
    });
  }
  if (clock === time) clock = -1;
  const close = find('close', given.close, NAMES.close);
  if (close < 0) {
    throw new CsvBarError(lineNo, 'header', 'missing required column "close"', {
      hint: `name it with the \`columns.close\` option (detected names: ${NAMES.close.join(', ')})`,
    });
  }
  const open = find('open', given.open, NAMES.open);
  const high = find('high', given.high, NAMES.high);
  const low = find('low', given.low, NAMES.low);
  const present = [open, high, low].filter((i) => i >= 0).length;
  if (present > 0 && present < 3) {
    const missing = (['open', 'high', 'low'] as const).filter((_, i) => ([open, high, low][i] as number) < 0);
    throw new CsvBarError(lineNo, 'header', `missing required column ${JSON.stringify(missing[0])}`, {
      hint: 'a file has open, high, low and close, or a close only',
    });
  }
  const volume = find('volume', given.volume, NAMES.volume);
  const aux = (input.aux ?? []).map((name): readonly [string, number] => {
    const at = norm.indexOf(normalizeColumnName(name));
    if (at < 0)
      throw new CsvBarError(lineNo, 'header', `aux column ${JSON.stringify(name)} is not in the header`);
    return [name, at];
  });
  return finish({ header: true, names, time, clock, open, high, low, close, volume, aux });
}

/**
 * A layout for a file without a header, from its first row: time (or MT4's date and time of day),
 * then open, high, low, close and an optional volume; or time and a close (and a volume).
 */
export function layoutFromFirstRow(cells: readonly string[], lineNo: number, input: LayoutInput): CsvLayout {
  const given = input.columns ?? {};
  const names = cells.map((_, i) => `column ${i + 1}`);
  const ref = (field: string, r: CsvColumnRef | undefined, fallback: number): number =>
    r === undefined ? fallback : resolveRef(field, r, [], names, lineNo);
  if ((input.aux ?? []).length > 0) {
    throw new CsvBarError(lineNo, 'header', 'aux columns need a header row to be named', {
      hint: 'add a header, or map the columns by index with the `columns` option',
    });
  }
  const split = cells.length > 1 && isClock((cells[1] ?? '').trim());
  const time = ref('time', given.time, 0);
  const clock = given.clock !== undefined ? ref('clock', given.clock, -1) : split ? 1 : -1;
  const first = (clock >= 0 ? Math.max(time, clock) : time) + 1;
  const values = cells.length - first;
  if (values >= 4 || given.open !== undefined) {
    return finish({
      header: false,
      names,
      time,
      clock,
      open: ref('open', given.open, first),
      high: ref('high', given.high, first + 1),
      low: ref('low', given.low, first + 2),
      close: ref('close', given.close, first + 3),
      volume: ref('volume', given.volume, values >= 5 ? first + 4 : -1),
      aux: [],
    });
  }
  if (values === 1 || values === 2) {
    return finish({
      header: false,
      names,
      time,
      clock,
      open: -1,
      high: -1,
      low: -1,
      close: ref('close', given.close, first),
      volume: ref('volume', given.volume, values === 2 ? first + 1 : -1),
      aux: [],
    });
  }
  throw new CsvBarError(
    lineNo,
    'header',
    `cannot tell the columns of a ${cells.length}-cell row without a header`,
    {
      hint: 'add a header row (date,open,high,low,close,volume) or pass `columns`',
    },
  );
}

function finish(l: Omit<CsvLayout, 'closeOnly' | 'lastIndex'>): CsvLayout {
  const closeOnly = l.open < 0;
  const lastIndex = Math.max(
    l.time,
    l.clock,
    l.open,
    l.high,
    l.low,
    l.close,
    l.volume,
    ...l.aux.map((a) => a[1]),
  );
  return Object.freeze({ ...l, closeOnly, lastIndex });
}

function resolveRef(
  field: string,
  ref: CsvColumnRef,
  norm: readonly string[],
  names: readonly string[],
  lineNo: number,
): number {
  if (typeof ref === 'number') {
    if (Number.isInteger(ref) && ref >= 0 && ref < names.length) return ref;
    throw new CsvBarError(
      lineNo,
      'header',
      `columns.${field} index ${ref} is outside 0..${names.length - 1}`,
    );
  }
  const at = norm.indexOf(normalizeColumnName(ref));
  if (at < 0)
    throw new CsvBarError(lineNo, 'header', `columns.${field} ${JSON.stringify(ref)} is not in the header`);
  return at;
}
