import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { assertTimeZone } from '@keel/calendar';
import type { Bar } from '@keel/contract';
import { z } from 'zod';
import {
  type CsvColumnMap,
  type CsvLayout,
  layoutFromFirstRow,
  layoutFromHeader,
  looksLikeData,
} from './csv-columns.js';
import {
  type CsvBadRowPolicy,
  type CsvRejectedRow,
  type CsvRowReason,
  RowPolicy,
  TimeGuard,
  type TimedRow,
} from './csv-row-policy.js';
import { type CsvDelimiter, detectDelimiter, splitCsvLine } from './csv-split.js';
import { isClock, isUnixTime, parseDateTime, parseUnixTime, type UnixUnit, unixUnitOf } from './csv-time.js';
import { CsvBarError, HostError } from './errors.js';
import { immutableBar } from './immutable-bar.js';

export interface CsvBarsOptions {
  /** Symbol stamped on every bar. */
  symbol?: string;
  /** Extra numeric columns to carry as `bar.aux` (e.g. `['wap']`); empty cells are left out. */
  aux?: readonly string[];
  /** Columns by header name or 0-based index; any left out are detected from the header. */
  columns?: CsvColumnMap;
  /** Whether the first line names the columns (default: detected; a first cell that is a date or a number is data). */
  header?: boolean;
  /** Default: detected from the first line (`,`, tab or `;`). */
  delimiter?: CsvDelimiter;
  /**
   * IANA zone (`America/New_York`, `UTC`) of date-times written without an offset, such as MT4's
   * `2024.03.11,09:30`. Without it such a time is an error, never silently UTC. Times with an
   * offset and plain dates (00:00 UTC of that day) do not need it.
   */
  timeZone?: string;
  /** Unit of a numeric time column (default: from the first value's magnitude; see `unixUnitOf`). */
  timeUnit?: UnixUnit;
  /**
   * `fail` (default): the first bad row throws a `CsvBarError` naming line, column and cell.
   * `skip`: bad rows are counted by reason and line in `summary()` and `onRejectedRow`, and left out.
   */
  onBadRow?: CsvBadRowPolicy;
  /** Told about every row `skip` leaves out, as it happens. */
  onRejectedRow?: (row: CsvRejectedRow) => void;
  /**
   * A row this far (ms) beyond the previous bar whose successor continues the earlier sequence is
   * rejected as `time_jump` (default: ten times the median of the last 16 intervals).
   */
  maxTimeJumpMs?: number;
}

/** What a read found: counts for every row left out, and the layout it detected. */
export interface CsvReadSummary {
  /** Lines read, header and blank lines included. */
  readonly lines: number;
  /** Data rows (not blank, not the header). */
  readonly rows: number;
  readonly bars: number;
  readonly rejected: { readonly total: number; readonly byReason: Readonly<Record<CsvRowReason, number>> };
  /** The first 1 000 rejected rows in detail (line, reason, column, cell). */
  readonly rejectedRows: readonly CsvRejectedRow[];
  /** `undefined` until the first line is read. */
  readonly layout: CsvLayoutSummary | undefined;
}

export interface CsvLayoutSummary {
  readonly header: boolean;
  readonly delimiter: CsvDelimiter;
  /** Column names (as in the header, or `column N`) of each field found. */
  readonly columns: Readonly<
    Partial<Record<'time' | 'clock' | 'open' | 'high' | 'low' | 'close' | 'volume', string>>
  >;
  readonly closeOnly: boolean;
  /** `date` (dates and date-times), or the unix unit of a numeric time column. */
  readonly timeFormat: 'date' | `unix-${UnixUnit}` | undefined;
}

/** The bars of a file, read lazily, and the summary of what was left out so far. */
export interface CsvBarReader extends AsyncGenerator<Bar, void, undefined> {
  summary(): CsvReadSummary;
}

const ColumnRef = z.union([z.string().min(1), z.number().int().nonnegative()]);
const OptionsSchema = z
  .object({
    symbol: z.string().min(1).optional(),
    aux: z.array(z.string().min(1)).optional(),
    columns: z
      .object({
        time: ColumnRef.optional(),
        clock: ColumnRef.optional(),
        open: ColumnRef.optional(),
        high: ColumnRef.optional(),
        low: ColumnRef.optional(),
        close: ColumnRef.optional(),
        volume: ColumnRef.optional(),
      })
      .strict()
      .optional(),
    header: z.boolean().optional(),
    delimiter: z.enum([',', '\t', ';']).optional(),
    timeZone: z.string().min(1).optional(),
    timeUnit: z.enum(['s', 'ms', 'us', 'ns']).optional(),
    onBadRow: z.enum(['skip', 'fail']).optional(),
    onRejectedRow: z.function().optional(),
    maxTimeJumpMs: z.number().positive().optional(),
  })
  .strict();

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

type MutableBar = { -readonly [K in keyof Bar]: Bar[K] };
type Parsed =
  | { ok: true; time: number; cell: string; bar: MutableBar }
  | { ok: false; reason: CsvRowReason; column: string; value: string; message: string };

/**
 * Reads bars from a CSV file or stream: a header naming the columns in any case and order
 * (`date`, `Datetime`, `timestamp`, `Open`…`Volume`, `PX_LAST` close-only series), or no header
 * (MT4 `2024.03.11,09:30,o,h,l,c,v`); ISO times with any offset, plain dates, naive times in a given
 * `timeZone`, unix seconds or milliseconds. Bad rows throw (`onBadRow: 'fail'`, the default) or
 * are counted (`'skip'`); a time that jumps ahead and back rejects only itself. OHLC consistency is
 * left to the host's bar validation. Bars come out immutable.
 */
export function readCsvBars(source: string | URL | Readable, options: CsvBarsOptions = {}): CsvBarReader {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['readCsvBars', ...(issue?.path ?? []).map(String)].join('.');
    throw new HostError('HOST_INVALID_OPTION', `${field}: ${issue?.message ?? 'invalid'}`, { field });
  }
  if (options.timeZone !== undefined) {
    try {
      assertTimeZone(options.timeZone);
    } catch (cause) {
      throw new HostError(
        'HOST_INVALID_OPTION',
        `readCsvBars.timeZone ${JSON.stringify(options.timeZone)} is not an IANA zone`,
        {
          field: 'timeZone',
          value: options.timeZone,
          hint: "use a name such as 'America/New_York' or 'UTC'",
          cause,
        },
      );
    }
  }
  const state = new ReadState(options);
  const generator = read(source, options, state) as CsvBarReader;
  generator.summary = () => state.summary();
  return generator;
}

class ReadState {
  lines = 0;
  rows = 0;
  bars = 0;
  layout: CsvLayout | undefined;
  delimiter: CsvDelimiter = ',';
  unit: UnixUnit | 'date' | undefined;
  readonly policy: RowPolicy;
  readonly guard: TimeGuard;

  constructor(options: CsvBarsOptions) {
    this.policy = new RowPolicy(options.onBadRow ?? 'fail', options.onRejectedRow);
    this.guard = new TimeGuard(options.maxTimeJumpMs);
  }

  summary(): CsvReadSummary {
    const layout = this.layout;
    const name = (i: number): string | undefined =>
      layout === undefined || i < 0 ? undefined : layout.names[i];
    const columns: Partial<Record<'time' | 'clock' | 'open' | 'high' | 'low' | 'close' | 'volume', string>> =
      {};
    if (layout !== undefined) {
      for (const field of ['time', 'clock', 'open', 'high', 'low', 'close', 'volume'] as const) {
        const n = name(layout[field]);
        if (n !== undefined) columns[field] = n;
      }
    }
    return Object.freeze({
      lines: this.lines,
      rows: this.rows,
      bars: this.bars,
      rejected: Object.freeze({
        total: this.policy.total,
        byReason: Object.freeze({ ...this.policy.byReason }),
      }),
      // Rows are judged up to two rows late: list them by line.
      rejectedRows: Object.freeze([...this.policy.details].sort((a, b) => a.line - b.line)),
      layout:
        layout === undefined
          ? undefined
          : Object.freeze({
              header: layout.header,
              delimiter: this.delimiter,
              columns: Object.freeze(columns),
              closeOnly: layout.closeOnly,
              timeFormat:
                this.unit === undefined
                  ? undefined
                  : this.unit === 'date'
                    ? 'date'
                    : (`unix-${this.unit}` as const),
            }),
    });
  }
}

async function* read(
  source: string | URL | Readable,
  options: CsvBarsOptions,
  state: ReadState,
): AsyncGenerator<Bar> {
  const input = typeof source === 'string' || source instanceof URL ? createReadStream(source) : source;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const { policy, guard } = state;
  // Lookahead for the time guard: a row is judged once the next two parsed rows are known.
  const queue: Array<TimedRow<MutableBar>> = [];
  const settle = (): Bar | undefined => {
    const row = queue.shift();
    if (row === undefined) return undefined;
    const verdict = guard.judge(row.time, queue[0]?.time, queue[1]?.time);
    if (verdict === 'accept') {
      guard.accept(row.time);
      state.bars++;
      return immutableBar(row.value);
    }
    policy.reject(
      row.line,
      verdict,
      row.column,
      row.cell,
      verdict === 'time_jump'
        ? `${JSON.stringify(row.cell)} jumps ahead of the rows around it`
        : `${JSON.stringify(row.cell)} is not after the previous bar's time`,
    );
    return undefined;
  };
  try {
    for await (const raw of lines) {
      state.lines++;
      const lineNo = state.lines;
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') continue;
      if (state.layout === undefined) {
        state.delimiter = options.delimiter ?? detectDelimiter(line);
        const cells = splitCsvLine(line, lineNo, state.delimiter);
        const header = options.header ?? !looksLikeData(cells);
        if (header) {
          state.layout = layoutFromHeader(cells, lineNo, options);
          continue;
        }
        state.layout = layoutFromFirstRow(cells, lineNo, options);
      }
      state.rows++;
      const row = parseLine(line, lineNo, state, options);
      if (!row.ok) {
        policy.reject(lineNo, row.reason, row.column, row.value, row.message);
        continue;
      }
      const layout = state.layout;
      queue.push({
        line: lineNo,
        time: row.time,
        column: layout.names[layout.time] as string,
        cell: row.cell,
        value: row.bar,
      });
      const bar = queue.length > 2 ? settle() : undefined;
      if (bar !== undefined) yield bar;
    }
    while (queue.length > 0) {
      const bar = settle();
      if (bar !== undefined) yield bar;
    }
  } finally {
    lines.close();
    if (input !== source) (input as Readable).destroy();
  }
  if (state.layout === undefined)
    throw new CsvBarError(Math.max(state.lines, 1), 'header', 'the file has no header row');
}

function parseLine(line: string, lineNo: number, state: ReadState, options: CsvBarsOptions): Parsed {
  const layout = state.layout as CsvLayout;
  let cells: string[];
  try {
    cells = splitCsvLine(line, lineNo, state.delimiter);
  } catch (error) {
    const column = error instanceof CsvBarError ? error.column : 'row';
    return { ok: false, reason: 'malformed', column, value: '', message: 'unterminated quoted cell' };
  }
  if (cells.length <= layout.lastIndex) {
    const column = layout.names[cells.length] ?? `column ${cells.length + 1}`;
    return {
      ok: false,
      reason: 'missing_cells',
      column,
      value: '',
      message: `row has ${cells.length} cells, the columns need ${layout.lastIndex + 1}`,
    };
  }
  const cell = (i: number): string => (cells[i] as string).trim();
  const time = parseTimeCell(
    cell(layout.time),
    layout.clock >= 0 ? cell(layout.clock) : undefined,
    state,
    options,
    lineNo,
    layout,
  );
  if (typeof time !== 'number') return time;
  const numbers: number[] = [];
  const fields = layout.closeOnly ? [layout.close] : [layout.open, layout.high, layout.low, layout.close];
  if (layout.volume >= 0) fields.push(layout.volume);
  for (const at of fields) {
    const text = cell(at);
    if (!NUMBER.test(text)) {
      return {
        ok: false,
        reason: 'bad_number',
        column: layout.names[at] as string,
        value: text,
        message: `${JSON.stringify(text)} is not a number`,
      };
    }
    numbers.push(Number(text));
  }
  let aux: Record<string, number> | undefined;
  for (const [name, at] of layout.aux) {
    const text = cell(at);
    if (text === '') continue;
    if (!NUMBER.test(text)) {
      return {
        ok: false,
        reason: 'bad_number',
        column: layout.names[at] as string,
        value: text,
        message: `${JSON.stringify(text)} is not a number`,
      };
    }
    aux ??= {};
    aux[name] = Number(text);
  }
  const [a, b, c, d, e] = numbers as [number, number, number, number, number];
  const bar: MutableBar = layout.closeOnly
    ? { time, open: a, high: a, low: a, close: a, volume: layout.volume >= 0 ? b : 0 }
    : { time, open: a, high: b, low: c, close: d, volume: layout.volume >= 0 ? e : 0 };
  if (options.symbol !== undefined) bar.symbol = options.symbol;
  if (aux !== undefined) bar.aux = aux;
  return { ok: true, time, cell: cell(layout.time), bar };
}

function parseTimeCell(
  text: string,
  clock: string | undefined,
  state: ReadState,
  options: CsvBarsOptions,
  lineNo: number,
  layout: CsvLayout,
): number | Extract<Parsed, { ok: false }> {
  const column = layout.names[layout.time] as string;
  if (state.unit === undefined) {
    // The first row decides: a number is a unix time (unit by magnitude), anything else a date.
    if (options.timeUnit !== undefined) state.unit = options.timeUnit;
    else if (clock === undefined && isUnixTime(text) && !/^\d{8}$/.test(text))
      state.unit = unixUnitOf(Number(text));
    else state.unit = 'date';
  }
  const result =
    state.unit === 'date'
      ? clock !== undefined && !isClock(clock)
        ? {
            problem: 'bad_time' as const,
            message: `${JSON.stringify(clock)} is not a time of day like 09:30`,
          }
        : parseDateTime(text, { timeZone: options.timeZone }, clock)
      : parseUnixTime(text, state.unit);
  if (typeof result === 'number') return result;
  if (result.problem === 'naive_time') {
    // A file-wide choice, not a bad row: every row of the file would fail the same way.
    throw new CsvBarError(lineNo, column, result.message, {
      value: text,
      hint: "pass timeZone (e.g. 'America/New_York', or 'UTC' if the times are UTC)",
    });
  }
  return {
    ok: false,
    reason: 'bad_time',
    column: clock !== undefined && !isClock(clock) ? (layout.names[layout.clock] as string) : column,
    value: clock === undefined ? text : `${text} ${clock}`,
    message: result.message,
  };
}

/**
 * Parses a CSV timestamp to epoch ms (UTC): ISO date-times with an offset, plain dates (00:00
 * UTC), and naive date-times when `timeZone` is given. Throws a `CsvBarError` otherwise.
 */
export function parseCsvTime(text: string, lineNo = 0, column = 'date', timeZone?: string): number {
  const result = parseDateTime(text, { timeZone });
  if (typeof result === 'number') return result;
  throw new CsvBarError(lineNo, column, result.message);
}

export { splitCsvLine };
