import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ExchangeCalendar } from '@keel/calendar';
import type { Bar } from '@keel/contract';
import { readCsvBars } from '@keel/host';
import { AppError } from './app-error.js';
import type { LoadedConfig } from './config.js';
import { sampleBars } from './sample-bars.js';

export interface BarSource {
  readonly bars: Iterable<Bar> | AsyncIterable<Bar>;
  /** Known for the embedded sample (progress can show a percentage); a CSV is streamed, so unknown. */
  readonly total: number | undefined;
  /** The CSV file, when the bars come from one. */
  readonly file?: string;
}

/** The configured bars: the embedded sample, or a CSV file streamed row by row. */
export function barSource(loaded: LoadedConfig, calendar: ExchangeCalendar): BarSource {
  const data = loaded.config.data;
  if (data.source === 'sample') {
    const bars = [
      ...sampleBars({
        calendar,
        sessions: data.sessions,
        end: Date.UTC(2026, 9, 30),
        symbol: data.symbol,
        seed: data.seed,
      }),
    ];
    return { bars, total: bars.length };
  }
  const file = path.resolve(loaded.baseDir, data.source);
  return { bars: readCsvBars(file, { symbol: data.symbol }), total: undefined, file };
}

/**
 * The configured bars with a known total: for a CSV, one quick pass counting its lines (a
 * 47,754-row file takes milliseconds), so progress shows a real percentage and ETA.
 */
export async function countedBarSource(loaded: LoadedConfig, calendar: ExchangeCalendar): Promise<BarSource> {
  const source = barSource(loaded, calendar);
  if (source.file === undefined) return source;
  return { ...source, total: await countCsvRows(source.file) };
}

/** Data rows of a CSV file: its lines, less the header and blank lines at the end. */
export async function countCsvRows(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
  } catch (error) {
    throw new AppError('DATA_NOT_FOUND', `data file ${file} cannot be read`, {
      field: 'data',
      value: file,
      hint: 'pass --data <file.csv> (columns date,open,high,low,close[,volume]); relative paths start at the current folder',
      cause: error,
    });
  }
  let lines = 0;
  let last = 0x0a;
  let trailingBlank = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte === 0x0a) {
        lines++;
        trailingBlank = last === 0x0a ? trailingBlank + 1 : 0;
      } else if (byte !== 0x0d) trailingBlank = 0;
      if (byte !== 0x0d) last = byte;
    }
  }
  if (last !== 0x0a) lines++;
  return Math.max(0, lines - trailingBlank - 1);
}
