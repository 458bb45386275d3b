import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Bar } from '@keel/contract';
import { CsvBarError } from './errors.js';
import { immutableBar } from './immutable-bar.js';

export interface CsvBarsOptions {
  /** Symbol stamped on every bar. */
  symbol?: string;
  /** Extra numeric columns to carry as `bar.aux` (e.g. `['wap']`); empty cells are left out. */
  aux?: readonly string[];
}

const TIME_COLUMNS = ['date', 'time', 'timestamp', 'datetime'];
const REQUIRED = ['open', 'high', 'low', 'close'] as const;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// `2024-03-11 13:30:00+00:00`, `2024-03-11T13:30:00Z`, `2016-06-28`; no offset means UTC.
const DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Reads bars from a CSV file or stream in the shared data format
 * (`date,open,high,low,close,volume,...`, ISO dates with any UTC offset, or plain daily dates).
 * Only syntax is checked here; OHLC consistency and time order are the host's bar validation.
 * A malformed row throws a `CsvBarError` naming the line and column.
 */
export async function* readCsvBars(
  source: string | URL | Readable,
  options: CsvBarsOptions = {},
): AsyncGenerator<Bar> {
  const input = typeof source === 'string' || source instanceof URL ? createReadStream(source) : source;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  let layout: Layout | undefined;
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') continue;
      const cells = splitCsvLine(line, lineNo);
      if (layout === undefined) {
        layout = readHeader(cells, lineNo, options);
        continue;
      }
      yield parseRow(cells, layout, lineNo, options.symbol);
    }
  } finally {
    lines.close();
    if (input !== source) (input as Readable).destroy();
  }
  if (layout === undefined)
    throw new CsvBarError(Math.max(lineNo, 1), 'header', 'the file has no header row');
}

interface Layout {
  readonly names: readonly string[];
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** -1: no volume column, bars get volume 0. */
  readonly volume: number;
  readonly aux: ReadonlyArray<readonly [name: string, index: number]>;
}

function readHeader(cells: string[], lineNo: number, options: CsvBarsOptions): Layout {
  const names = cells.map((c) => c.trim().toLowerCase());
  const find = (name: string): number => names.indexOf(name);
  const time = names.findIndex((n) => TIME_COLUMNS.includes(n));
  if (time < 0)
    throw new CsvBarError(lineNo, 'header', `no time column (expected one of ${TIME_COLUMNS.join(', ')})`);
  const index: Record<string, number> = {};
  for (const name of REQUIRED) {
    const at = find(name);
    if (at < 0) throw new CsvBarError(lineNo, 'header', `missing required column ${JSON.stringify(name)}`);
    index[name] = at;
  }
  const aux = (options.aux ?? []).map((name): readonly [string, number] => {
    const at = find(name.toLowerCase());
    if (at < 0)
      throw new CsvBarError(lineNo, 'header', `aux column ${JSON.stringify(name)} is not in the header`);
    return [name, at];
  });
  return {
    names,
    time,
    open: index.open as number,
    high: index.high as number,
    low: index.low as number,
    close: index.close as number,
    volume: find('volume'),
    aux,
  };
}

function parseRow(cells: string[], layout: Layout, lineNo: number, symbol: string | undefined): Bar {
  if (cells.length < layout.names.length) {
    throw new CsvBarError(
      lineNo,
      layout.names[cells.length] ?? 'row',
      `row has ${cells.length} cells, header has ${layout.names.length}`,
    );
  }
  const num = (at: number): number => {
    const text = (cells[at] as string).trim();
    if (!NUMBER.test(text))
      throw new CsvBarError(lineNo, layout.names[at] as string, `${JSON.stringify(text)} is not a number`);
    return Number(text);
  };
  const time = parseCsvTime(
    (cells[layout.time] as string).trim(),
    lineNo,
    layout.names[layout.time] as string,
  );
  let aux: Record<string, number> | undefined;
  for (const [name, at] of layout.aux) {
    if ((cells[at] as string).trim() === '') continue;
    aux ??= {};
    aux[name] = num(at);
  }
  const bar: { -readonly [K in keyof Bar]: Bar[K] } = {
    time,
    open: num(layout.open),
    high: num(layout.high),
    low: num(layout.low),
    close: num(layout.close),
    volume: layout.volume < 0 ? 0 : num(layout.volume),
  };
  if (symbol !== undefined) bar.symbol = symbol;
  if (aux !== undefined) bar.aux = aux;
  return immutableBar(bar);
}

/** Parses a CSV timestamp to epoch ms (UTC). Exported for property tests and other sources. */
export function parseCsvTime(text: string, lineNo = 0, column = 'date'): number {
  const m = DATE.exec(text);
  if (m === null)
    throw new CsvBarError(
      lineNo,
      column,
      `${JSON.stringify(text)} is not a date like 2024-03-11 13:30:00+00:00`,
    );
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
  if (day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    throw new CsvBarError(lineNo, column, `${JSON.stringify(text)} is not a valid date and time`);
  }
  const ms = frac === '' ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  let offsetMin = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59)
      throw new CsvBarError(lineNo, column, `${JSON.stringify(text)} has an invalid UTC offset`);
    offsetMin = sign * (oh * 60 + om);
  }
  // Date.UTC maps years 0-99 to 1900+; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  return date.getTime() - offsetMin * 60_000;
}

/** Splits one CSV line; supports quoted cells with `""` escapes. */
export function splitCsvLine(line: string, lineNo = 0): string[] {
  if (!line.includes('"')) return line.split(',');
  const cells: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < line.length) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
    i++;
  }
  if (quoted) throw new CsvBarError(lineNo, `cell ${cells.length + 1}`, 'unterminated quoted cell');
  cells.push(cell);
  return cells;
}
