import path from 'node:path';
import type { ExchangeCalendar } from '@keel/calendar';
import type { Bar } from '@keel/contract';
import { readCsvBars } from '@keel/host';
import type { LoadedConfig } from './config.js';
import { sampleBars } from './sample-bars.js';

export interface BarSource {
  readonly bars: Iterable<Bar> | AsyncIterable<Bar>;
  /** Known for the embedded sample (progress can show a percentage); a CSV is streamed, so unknown. */
  readonly total: number | undefined;
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
  return {
    bars: readCsvBars(path.resolve(loaded.baseDir, data.source), { symbol: data.symbol }),
    total: undefined,
  };
}
