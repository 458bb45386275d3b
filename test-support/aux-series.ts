import { readFileSync } from 'node:fs';

/**
 * Test-only helpers that join auxiliary daily series (VIX, QQQ closes) into bars by calendar date,
 * for plugin tests that need `bar.aux`. Node built-ins only, so every package's typecheck can
 * include this folder whatever its dependencies.
 */

/** A bar as the helpers need it; `@keel/contract`'s `Bar` is assignable both ways. */
export interface DatedBar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly symbol?: string;
  readonly aux?: Readonly<Record<string, number>>;
}

/**
 * Reads `date → close` from a daily CSV: either `Date,PX_LAST` (Bloomberg-style close-only, like
 * `VIX_1d.csv`) or a `date,...,close,...` OHLC file. Rows whose close is not a finite number are
 * left out (the series then carries the last known value forward when joined).
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

export interface JoinOptions {
  /** Carry a series' last value forward for at most this many calendar days (default 5). */
  readonly maxStaleDays?: number;
}

/**
 * Returns copies of the bars with `aux[name]` set from each series, matched on the bar's UTC
 * calendar date. Policy: the value of the same date, else the last earlier value no older than
 * `maxStaleDays`, else the name is left out of that bar's `aux` (never a value from the future).
 */
export function joinAuxByDate<B extends DatedBar>(
  bars: readonly B[],
  series: Readonly<Record<string, Map<string, number>>>,
  options: JoinOptions = {},
): B[] {
  const maxStaleMs = (options.maxStaleDays ?? 5) * 86_400_000;
  const sorted = Object.entries(series).map(([name, map]) => {
    const points = [...map.entries()]
      .map(([date, value]) => ({ t: Date.parse(`${date}T00:00:00Z`), value }))
      .sort((a, b) => a.t - b.t);
    return { name, points, cursor: -1 };
  });
  return bars.map((bar) => {
    const day = Date.parse(`${new Date(bar.time).toISOString().slice(0, 10)}T00:00:00Z`);
    const aux: Record<string, number> = { ...bar.aux };
    for (const s of sorted) {
      while (s.cursor + 1 < s.points.length && s.points[s.cursor + 1]!.t <= day) s.cursor++;
      const p = s.points[s.cursor];
      if (p !== undefined && day - p.t <= maxStaleMs) aux[s.name] = p.value;
    }
    return Object.keys(aux).length === 0 ? bar : ({ ...bar, aux } as B);
  });
}
