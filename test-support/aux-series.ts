import { readFileSync } from 'node:fs';

/**
 * An independent, test-only reader of daily closes by calendar date, for tests that check what a
 * plugin saw in `bar.aux` against the published value of that day. (Joining a series into bars needs
 * no reader of its own: `@keel/host`'s `readCsvBars` reads close-only files such as `VIX_1d.csv`.)
 * Node built-ins only, so every package's typecheck can include this folder whatever its dependencies.
 */

/**
 * Reads `date → close` from a daily CSV: either `Date,PX_LAST` (close-only, like `VIX_1d.csv`) or a
 * `date,...,close,...` OHLC file. Rows whose close is not a finite number are left out.
 */
export function readDailyCloses(file: string): Map<string, number> {
  const lines = readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((c) => c.trim().toLowerCase());
  const dateCol = header.findIndex((c) => c === 'date' || c === 'time' || c === 'datetime');
  let closeCol = header.indexOf('close');
  if (closeCol < 0) closeCol = header.indexOf('px_last');
  if (dateCol < 0 || closeCol < 0) throw new Error(`${file}: no date/close columns in ${lines[0]}`);
  const out = new Map<string, number>();
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const value = Number(cells[closeCol]);
    const date = (cells[dateCol] ?? '').trim().slice(0, 10);
    if (Number.isFinite(value) && /^\d{4}-\d{2}-\d{2}$/.test(date)) out.set(date, value);
  }
  return out;
}

/** The UTC calendar date of an epoch-ms time, `YYYY-MM-DD`. */
export function utcDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
