import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Bar, KeelPlugin, SensorReading } from '@keel/contract';
import { createHost, createLogger, generateBars, readCsvBars } from '@keel/host';
import { sharedDataPath } from '../../../test-support/shared-data.js';
import {
  atrEndingAt,
  atrReading,
  getAtr,
  MULTIPLE,
  noopPlugin,
  valuesAtr,
  WORKER_PLUGIN_SOURCE,
  warmupFor,
} from './atr-idioms.js';

// One run prints every figure of the host's performance section (see README "Performance"):
// 1. host vs a plain Float64Array loop doing the same math, for the `values()` idiom, the `get()`
//    idiom and do-nothing plugins (8 plugins, periods 14..21). The plain loop reads whole-file
//    columns directly: no RingWindow, no host. Host and plain runs alternate; medians of RUNS.
// 2. host vs the seed-style Python pipeline (a pandas DataFrame per bar), when a Python with
//    pandas is found (KEEL_PYTHON, python3, /usr/bin/python3).
// 3. worker-isolated replay of a light plugin, bars/s.
// 4. LONG_RUN generated bars through the host (values() plugins): per-bar time and heap, first vs last 10 %.

const PLUGINS = 8;
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 7));
const LONG_RUN = Number(process.env.BENCH_LONG_BARS ?? 1_000_000);
const PY_BARS = Number(process.env.BENCH_PY_BARS ?? 2000);
const WORKER_BARS = Number(process.env.BENCH_WORKER_BARS ?? 20_000);
const here = path.dirname(fileURLToPath(import.meta.url));

type Factory = (id: string, period: number) => KeelPlugin;
interface Idiom {
  readonly name: string;
  readonly factory: Factory;
  /** The plain loop's per-plugin work for bar `i`, or undefined for "nothing". */
  readonly plain: ((cols: Columns, i: number, period: number) => SensorReading) | undefined;
}

interface Columns {
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
}

const plainAtr = (cols: Columns, i: number, period: number): SensorReading =>
  atrReading(
    atrEndingAt(cols.high, cols.low, cols.close, i, period),
    Math.abs((cols.close[i] as number) - (cols.open[i] as number)),
    MULTIPLE,
  );
const IDLE: SensorReading = Object.freeze({ active: false, score: 0, status: 'idle' });

const IDIOMS: readonly Idiom[] = [
  { name: 'values()', factory: valuesAtr, plain: plainAtr },
  { name: 'get(i)', factory: getAtr, plain: plainAtr },
  { name: 'do-nothing', factory: noopPlugin, plain: () => IDLE },
];
const periods = Array.from({ length: PLUGINS }, (_, k) => 14 + k);

async function loadBars(): Promise<{ bars: Bar[]; source: string }> {
  const file = sharedDataPath('SPY_5m.csv');
  if (existsSync(file)) {
    const bars: Bar[] = [];
    for await (const bar of readCsvBars(file, { symbol: 'SPY' })) bars.push(bar);
    return { bars, source: 'SPY_5m.csv' };
  }
  return { bars: [...generateBars({ count: 50_000, seed: 7 })], source: 'generated (SPY_5m.csv not found)' };
}

let sink = 0;
const quiet = () => ({ services: { logger: createLogger({ level: 'error' }) } });

async function hostRun(idiom: Idiom, bars: readonly Bar[]): Promise<number> {
  const host = createHost(quiet());
  const { errors } = await host.load(periods.map((p, k) => idiom.factory(`atr-${k + 1}`, p)));
  if (errors.length > 0) throw new Error(`bench plugins failed to load: ${errors[0]?.message}`);
  let active = 0;
  const t0 = performance.now();
  await host.replay(bars, {
    onStep: (r) => {
      if (r.sensors[0]?.active) active++;
    },
  });
  const ms = performance.now() - t0;
  sink += active;
  await host.dispose();
  return ms;
}

function plainRun(idiom: Idiom, cols: Columns, n: number): number {
  const plain = idiom.plain;
  if (plain === undefined) return 0;
  let active = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < PLUGINS; k++) {
      const period = periods[k] as number;
      if (i + 1 < warmupFor(period)) continue;
      const r = plain(cols, i, period);
      if (k === 0 && r.active) active++;
    }
  }
  const ms = performance.now() - t0;
  sink += active;
  return ms;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function compareWithPlain(bars: readonly Bar[]): Promise<Map<string, number>> {
  const column = (f: (b: Bar) => number) => Float64Array.from(bars, f);
  const cols: Columns = {
    open: column((b) => b.open),
    high: column((b) => b.high),
    low: column((b) => b.low),
    close: column((b) => b.close),
  };
  for (let w = 0; w < 2; w++) {
    for (const idiom of IDIOMS) {
      await hostRun(idiom, bars);
      plainRun(idiom, cols, bars.length);
    }
  }
  const host = new Map<string, number[]>(IDIOMS.map((i) => [i.name, []]));
  const plain = new Map<string, number[]>(IDIOMS.map((i) => [i.name, []]));
  // Interleaved: every round runs each idiom's host and plain loop back to back.
  for (let r = 0; r < RUNS; r++) {
    for (const idiom of IDIOMS) {
      host.get(idiom.name)?.push(await hostRun(idiom, bars));
      plain.get(idiom.name)?.push(plainRun(idiom, cols, bars.length));
    }
  }
  const rate = (ms: number): number => (bars.length / ms) * 1000;
  const hostRates = new Map<string, number>();
  console.log(
    `\n1. host vs a plain Float64Array loop, ${PLUGINS} ATR plugins (medians of ${RUNS} interleaved runs)`,
  );
  for (const idiom of IDIOMS) {
    const h = median(host.get(idiom.name) ?? []);
    const p = median(plain.get(idiom.name) ?? []);
    hostRates.set(idiom.name, rate(h));
    const perCall = ((h / bars.length / PLUGINS) * 1e6).toFixed(0);
    console.log(
      `  ${idiom.name.padEnd(10)} host ${fmt(rate(h)).padStart(10)} bars/s (${perCall} ns a call) | ` +
        `plain ${fmt(rate(p)).padStart(11)} bars/s | host/plain ${(h / p).toFixed(2)}x`,
    );
  }
  return hostRates;
}

function findPandasPython(): string | undefined {
  const candidates = [process.env.KEEL_PYTHON, 'python3', '/usr/bin/python3'].filter(
    (c): c is string => typeof c === 'string' && c.length > 0,
  );
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import pandas'], { stdio: 'ignore', timeout: 30_000 });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

function comparePython(hostBarsPerSec: number): void {
  console.log('\n2. host (values() idiom) vs the seed-style Python pipeline (a pandas DataFrame per bar)');
  const python = findPandasPython();
  const file = sharedDataPath('SPY_5m.csv');
  if (python === undefined || !existsSync(file)) {
    console.log(
      '  skipped: no python3 with pandas (KEEL_PYTHON, python3, /usr/bin/python3) or no SPY_5m.csv',
    );
    return;
  }
  const run = spawnSync(python, [path.join(here, 'seed_pipeline.py'), file, String(PY_BARS)], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (run.status !== 0) {
    console.log(
      `  python pipeline failed (exit ${run.status}): ${run.stderr.trim().split('\n').at(-1) ?? ''}`,
    );
    return;
  }
  const out = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { bars: number; seconds: number };
  const py = out.bars / out.seconds;
  console.log(
    `  python (${python}, ${fmt(out.bars)} bars): ${fmt(py)} bars/s | host ${fmt(hostBarsPerSec)} bars/s | host/python ${fmt(hostBarsPerSec / py)}x`,
  );
}

async function workerReplay(bars: readonly Bar[]): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'keel-bench-worker-'));
  try {
    const file = path.join(dir, 'worker-light.mjs');
    await writeFile(file, WORKER_PLUGIN_SOURCE);
    const host = createHost(quiet());
    const { errors } = await host.load([file]);
    if (errors.length > 0) throw new Error(`worker plugin failed to load: ${errors[0]?.message}`);
    const input = bars.slice(0, WORKER_BARS);
    await host.replay(input.slice(0, 500));
    const t0 = performance.now();
    await host.replay(input);
    const ms = performance.now() - t0;
    await host.dispose();
    console.log(
      `\n3. worker-isolated replay, 1 light plugin: ${fmt((input.length / ms) * 1000)} bars/s (${fmt(input.length)} bars, one round trip a bar)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function longRun(): Promise<void> {
  const host = createHost(quiet());
  await host.load(periods.map((p, k) => valuesAtr(`atr-${k + 1}`, p)));
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const tenth = Math.floor(LONG_RUN / 10);
  const marks: number[] = [];
  const t0 = performance.now();
  await host.replay(generateBars({ count: LONG_RUN, seed: 11 }), {
    progressEvery: tenth,
    onProgress: (p) => {
      if (!p.done) marks.push(performance.now());
    },
  });
  const total = performance.now() - t0;
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  const firstNs = (((marks[0] as number) - t0) / tenth) * 1e6;
  const lastNs = (((marks[9] as number) - (marks[8] as number)) / tenth) * 1e6;
  console.log(
    `\n4. ${fmt(LONG_RUN)} generated bars, ${PLUGINS} values() plugins: ${fmt((LONG_RUN / total) * 1000)} bars/s; ` +
      `per bar first 10 % ${fmt(firstNs)} ns, last 10 % ${fmt(lastNs)} ns; heap after gc ${mb(heapBefore)} → ${mb(heapAfter)}`,
  );
  await host.dispose();
}

async function main(): Promise<void> {
  const { bars, source } = await loadBars();
  console.log(
    `@keel/host bench: ${fmt(bars.length)} bars (${source}), node ${process.version}, ${process.platform}/${process.arch}`,
  );
  const rates = await compareWithPlain(bars);
  comparePython(rates.get('values()') ?? Number.NaN);
  await workerReplay(bars);
  await longRun();
  if (sink < 0) console.log(sink);
}

await main();
