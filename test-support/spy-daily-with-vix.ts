import { sharedDataPath } from './shared-data.ts';

const DAY = 86_400_000;

/**
 * The two `@keel/host` functions the join needs, handed in by the calling test: test-support
 * imports no workspace package, because every package's `tsconfig.test.json` includes this folder
 * and `@keel/host` does not resolve from packages that do not depend on it.
 */
export interface SpyVixReaders<B> {
  readCsvBars(file: string): AsyncIterable<B>;
  joinAux(
    bars: AsyncIterable<B>,
    series: { vix: AsyncIterable<B> },
    options: { policy: 'last'; maxStalenessMs: number },
  ): AsyncIterable<B>;
}

let cached: Promise<readonly unknown[]> | undefined;

/**
 * The plugins' shared real-data fixture: every `SPY_1d.csv` bar with `aux.vix` set to the last
 * `VIX_1d.csv` close (a `Date,PX_LAST` file `readCsvBars` reads as bars) at most 4 days old, so a
 * weekend or holiday keeps Friday's value and the SPY days after the VIX file ends have none.
 * Read once per test process; each call gets its own array of the same immutable bars.
 */
export async function spyDailyWithVix<B>(readers: SpyVixReaders<B>): Promise<B[]> {
  cached ??= collect(
    readers.joinAux(
      readers.readCsvBars(sharedDataPath('SPY_1d.csv')),
      { vix: readers.readCsvBars(sharedDataPath('VIX_1d.csv')) },
      { policy: 'last', maxStalenessMs: 4 * DAY },
    ),
  );
  return [...((await cached) as readonly B[])];
}

async function collect<B>(source: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of source) out.push(b);
  return out;
}
