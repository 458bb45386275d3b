// pnpm bench: Python plugins through Keel vs the same plugins in a plain Python loop, one run.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bar } from '@keel/contract';
import { createHost, createLogger, readCsvBars } from '@keel/host';
import { pythonPlugin } from '../src/index.ts';
import { SHIMS_DIR } from '../src/runtime-paths.ts';
import { sharedDataPath } from '../../../test-support/shared-data.ts';
import { findAnyPython, findPandasPython } from '../test/support/python.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '..', 'test', 'fixtures');
const ATR = path.join(fixtures, 'plugins', 'atr_momentum.py');
const BARS = Number(process.env.BENCH_BARS ?? 5000);
const COPIES = 8;

const python = findPandasPython();
if (python === undefined) {
  console.error('no Python with pandas: apt-get install python3-pandas or set KEEL_PYTHON');
  process.exit(1);
}

const all: Bar[] = [];
for await (const bar of readCsvBars(sharedDataPath('SPY_5m.csv'))) all.push(bar);
const bars = all.slice(0, BARS);
const quiet = { cache: { memory: true as const }, services: { logger: createLogger({ level: 'silent' }) } };

async function keelReplay(entries: ReturnType<typeof pythonPlugin>[], input: Bar[]): Promise<number> {
  const host = createHost(quiet);
  const loaded = await host.load(entries);
  if (loaded.errors.length > 0) throw new Error(JSON.stringify(loaded.errors));
  await host.replay(input.slice(0, 200)); // warm the processes (imports, first frames)
  const t0 = performance.now();
  await host.replay(input);
  const seconds = (performance.now() - t0) / 1000;
  await host.dispose();
  return input.length / seconds;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

// 1. 8 copies of the ATR momentum sensor: Keel (batched replay) vs a plain per-bar Python loop.
const atr = (i: number, mode: 'own' | 'shared' = 'own') =>
  pythonPlugin({ file: ATR, className: 'ATRMomentumPlugin', python, id: `atr-${i}`, process: mode });
const keel8 = await keelReplay(
  Array.from({ length: COPIES }, (_, i) => atr(i + 1)),
  bars,
);
const keel8Shared = await keelReplay(
  Array.from({ length: COPIES }, (_, i) => atr(i + 1, 'shared')),
  bars,
);
const plain = spawnSync(
  python,
  [
    path.join(fixtures, 'plain_loop.py'),
    sharedDataPath('SPY_5m.csv'),
    ATR,
    'ATRMomentumPlugin',
    String(BARS),
    String(COPIES),
    'bench',
  ],
  {
    encoding: 'utf8',
    env: { ...process.env, KEEL_SHIMS: SHIMS_DIR },
  },
);
if (plain.status !== 0) throw new Error(plain.stderr);
const plainRate = (JSON.parse(plain.stdout.trim().split('\n').pop() as string) as { barsPerSecond: number })
  .barsPerSecond;

// 2. A numpy-free plugin (update() never reads df, so no DataFrame is built).
const light = findAnyPython() as string;
const counter = () =>
  pythonPlugin({
    file: path.join(fixtures, 'plugins', 'plain_counter.py'),
    className: 'UpCloseCounter',
    python: light,
  });
const lightRate = await keelReplay([counter()], all.slice(0, Math.max(BARS, 20_000)));

// 3. Live: one host.step per bar, round trip to the child and back.
async function liveLatency(
  entry: ReturnType<typeof pythonPlugin>,
  input: Bar[],
): Promise<{ p50: number; p99: number }> {
  const host = createHost(quiet);
  await host.load([entry]);
  const times: number[] = [];
  for (const bar of input) {
    const t0 = performance.now();
    await host.step(bar);
    times.push(performance.now() - t0);
  }
  await host.dispose();
  const sorted = times.slice(100).sort((a, b) => a - b);
  const q = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
  return { p50: q(0.5), p99: q(0.99) };
}
const liveLight = await liveLatency(counter(), all.slice(0, 3000));
const liveAtr = await liveLatency(atr(0), all.slice(0, 3000));

console.log(`@keel/python on SPY 5-minute bars (${BARS} bars; interpreter ${python})`);
console.log(`  8x ATR momentum through Keel, own processes ${fmt(keel8)} bars/s`);
console.log(`  8x ATR momentum through Keel, shared process ${fmt(keel8Shared)} bars/s`);
console.log(`  8x ATR momentum, plain Python per-bar loop  ${fmt(plainRate)} bars/s`);
console.log(
  `  ratio Keel / plain Python (own, shared)     ${(keel8 / plainRate).toFixed(2)}x, ${(keel8Shared / plainRate).toFixed(2)}x (target >= 1.0x)`,
);
console.log(
  `  (load average while measuring: ${(await import('node:os')).loadavg()[0]?.toFixed(1)} on ${(await import('node:os')).cpus().length} cores)`,
);
console.log(`  numpy-free plugin through Keel (replay)     ${fmt(lightRate)} bars/s (target 50,000)`);
console.log(
  `  live round trip, numpy-free plugin          p50 ${liveLight.p50.toFixed(3)} ms  p99 ${liveLight.p99.toFixed(3)} ms`,
);
console.log(
  `  live round trip, ATR momentum (pandas df)   p50 ${liveAtr.p50.toFixed(3)} ms  p99 ${liveAtr.p99.toFixed(3)} ms`,
);
