import { readFileSync } from 'node:fs';

/**
 * Test-only readers for close-only daily series such as `VIX_1d.csv` (`Date,PX_LAST`), which plugin
 * tests join into bars as `bar.aux` with `@keel/host`'s `joinAux`. Node built-ins only, so every
 * package's typecheck can include this folder whatever its dependencies.
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

/**
 * The same series as `{ time, value }` points, oldest first, each stamped at 00:00 UTC of its date —
 * the time `readCsvBars` gives a daily bar of that date, so an as-of join matches them day by day.
 */
export function readDailyPoints(file: string): Array<{ time: number; value: number }> {
  return [...readDailyCloses(file).entries()]
    .map(([date, value]) => ({ time: Date.parse(`${date}T00:00:00Z`), value }))
    .sort((a, b) => a.time - b.time);
}

/** The UTC calendar date of an epoch-ms time, `YYYY-MM-DD`. */
export function utcDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
