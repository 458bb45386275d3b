import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Bar } from '@keel/contract';
import { createHost, createLogger, readCsvBars } from '@keel/host';
import { sharedDataPath } from '../../../test-support/shared-data.js';
import { createConeModel, DEFAULT_MODEL_OPTIONS } from '../src/cone-model.js';
import { createForecastCone } from '../src/forecast-cone-plugin.js';
import { logReturns } from '../src/log-returns.js';
import { MODEL_NAMES, type ModelName } from '../src/model-forecast.js';

// Forecasts per second of each model over rolling windows of SPY daily closes (500 closes, a
// 20-step cone, every origin), beside a baseline measured in the same run: a plain loop over a
// Float64Array doing the same EWMA math (log returns, seeded recursion, 20 lognormal quantile
// pairs) with nothing else. Runs alternate baseline / model, and the ratio printed is the median
// of the paired ratios, which cancels most of a shared machine's drift. Then the plugin itself
// replays the bars through a host twice over one SQLite cache file: the first replay misses on
// every bar, a second host replaying the same bars hits on every bar.

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const HISTORY = 500;
const HORIZON = 20;
const file = sharedDataPath('SPY_1d.csv');

if (!existsSync(file)) {
  console.log(`skipped: no shared data at ${file}`);
  process.exit(0);
}
const bars: Bar[] = [];
for await (const bar of readCsvBars(file)) bars.push(bar);
const closes = Float64Array.from(bars, (b) => b.close);
const origins = closes.length - HISTORY + 1;

const Z90 = 1.2815515655446004;
let sink = 0;

/** The EWMA cone by hand: what the model does, minus every abstraction. */
function baseline(): number {
  const returns = new Float64Array(HISTORY - 1);
  for (let end = HISTORY; end <= closes.length; end++) {
    const from = end - HISTORY;
    for (let i = 0; i < HISTORY - 1; i++) returns[i] = Math.log(closes[from + i + 1]! / closes[from + i]!);
    let s = 0;
    for (let i = 0; i < 30; i++) s += returns[i]! * returns[i]!;
    s /= 30;
    for (let i = 30; i < returns.length; i++) s = 0.94 * s + 0.06 * returns[i]! * returns[i]!;
    const last = closes[end - 1]!;
    for (let k = 1; k <= HORIZON; k++) {
      const q = Z90 * Math.sqrt(s * k);
      sink += last * Math.exp(q) - last * Math.exp(-q);
    }
  }
  return origins;
}

/** The package's model over the same windows (returns, prepare, forecast, price cone). */
function modelRun(name: ModelName): () => number {
  return () => {
    const model = createConeModel(name, DEFAULT_MODEL_OPTIONS, 'stream');
    const returns = new Float64Array(HISTORY);
    for (let end = HISTORY; end <= closes.length; end++) {
      const r = logReturns(closes, end - HISTORY, end, returns);
      model.prepare(r);
      const f = model.forecast(r, HORIZON);
      const last = closes[end - 1]!;
      for (let k = 0; k < HORIZON; k++) sink += last * Math.exp(f.q90[k]!) - last * Math.exp(f.q10[k]!);
    }
    return origins;
  };
}

function time(run: () => number): number {
  const t0 = performance.now();
  const n = run();
  return n / ((performance.now() - t0) / 1000);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

console.log(
  `SPY_1d: ${closes.length} closes, ${origins} origins per run, ${HISTORY}-close windows, ${HORIZON}-step cones, ${RUNS} runs (median)`,
);
for (let i = 0; i < 2; i++) baseline(); // warm-up
const rows: Record<string, string | number>[] = [];
let baseMedian = 0;
for (const name of MODEL_NAMES) {
  const run = modelRun(name);
  run(); // warm-up
  const base: number[] = [];
  const mine: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const b = time(baseline);
    const m = time(run);
    base.push(b);
    mine.push(m);
    ratios.push(m / b);
  }
  if (name === 'ewma') baseMedian = median(base);
  rows.push({
    model: name,
    'forecasts/s': Math.round(median(mine)),
    'baseline/s': Math.round(median(base)),
    'ratio (paired median)': median(ratios).toFixed(3),
  });
}
console.table(rows);

// The plugin end to end: host replay, one forecast per bar, cache on a SQLite file.
const dir = mkdtempSync(path.join(tmpdir(), 'keel-forecast-bench-'));
try {
  const cache = { path: path.join(dir, 'cache.sqlite') };
  const replays: Record<string, string | number>[] = [];
  const runs = [
    // One cone in the whole replay: the host's per-bar cost plus the plugin's bookkeeping.
    { label: 'no forecasts (host + bookkeeping)', every: 100_000, file: path.join(dir, 'none.sqlite') },
    { label: 'cold cache', every: 1, file: cache.path },
    { label: 'warm cache (second host, same file)', every: 1, file: cache.path },
  ];
  {
    // Unmeasured warm-up replay (JIT), on an in-memory cache so it leaves the files alone.
    const host = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    await host.load([{ plugin: createForecastCone, config: { history: HISTORY, horizon: HORIZON } }]);
    await host.replay(bars);
    await host.dispose();
  }
  for (const { label, every, file: cacheFile } of runs) {
    const host = createHost({
      cache: { path: cacheFile },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    await host.load([{ plugin: createForecastCone, config: { history: HISTORY, horizon: HORIZON, every } }]);
    const t0 = performance.now();
    await host.replay(bars);
    const seconds = (performance.now() - t0) / 1000;
    const stats = host.describe('forecast-cone')?.stats as Record<string, number>;
    replays.push({
      replay: label,
      bars: bars.length,
      'bars/s': Math.round(bars.length / seconds),
      'cache hits': stats.cacheHits!,
      'cache misses': stats.cacheMisses!,
      'hit rate': stats.cacheHitRate!,
      'bars/s vs ewma baseline forecasts/s': (bars.length / seconds / baseMedian).toFixed(4),
    });
    await host.dispose();
  }
  console.log('the plugin replaying the bars through a host (ewma, 20-step cone, SQLite cache file):');
  console.table(replays);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (sink === 42) console.log(''); // keeps the loops' results alive
