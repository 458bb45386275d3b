import type { Bar } from '@keel/contract';
import { readCsvBars } from '@keel/host';
import { sharedDataPath } from '../../../../test-support/shared-data.ts';

/** The first `count` bars of a shared-data CSV (e.g. `SPY_5m.csv`). */
export async function firstBars(file: string, count: number): Promise<Bar[]> {
  const bars: Bar[] = [];
  for await (const bar of readCsvBars(sharedDataPath(file))) {
    bars.push(bar);
    if (bars.length >= count) break;
  }
  return bars;
}
