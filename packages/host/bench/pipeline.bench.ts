import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Bar, KeelPlugin, OnBarArgs, PartialStep } from '@keel/contract';
import { BarRing, createHost, createLogger, generateBars, readCsvBars, RingWindow } from '@keel/host';
import { sharedDataPath } from '../../../test-support/shared-data.js';
import { createAtrBurst } from './atr-burst.js';

// Replays bars through 8 ATR-burst plugins in the host, and through the same plugin functions
// called in a bare loop over the same ring buffer, in the same process. Prints median figures.
// Host and bare runs alternate, so each host run is paired with the bare run right after it: the
// headline ratio is the median of those paired ratios, which cancels most of a shared VM's drift
// (the ratio of the two separate medians is printed too).

const PLUGINS = 8;
const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const LONG_RUN = Number(process.env.BENCH_LONG_BARS ?? 1_000_000);

const makePlugins = (): KeelPlugin[] =>
  Array.from({ length: PLUGINS }, (_, k) => createAtrBurst(`atr-burst-${k + 1}`, 14 + k, 1.5));

async function loadBars(): Promise<{ bars: Bar[]; source: string }> {
  const file = sharedDataPath('SPY_5m.csv');
  if (existsSync(file)) {
    const bars: Bar[] = [];
    for await (const bar of readCsvBars(file, { symbol: 'SPY' })) bars.push(bar);
    return { bars, source: 'SPY_5m.csv' };
  }
  return { bars: [...generateBars({ count: 50_000, seed: 7 })], source: 'generated (SPY_5m.csv not found)' };
}

async function hostRun(bars: readonly Bar[]): Promise<number> {
  const host = createHost({ services: { logger: createLogger({ level: 'error' }) } });
  const { errors } = await host.load(makePlugins());
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

let sink = 0;
const NO_SIGNAL = new AbortController().signal;
const EMPTY_STEP = Object.freeze({
  bar: undefined,
  index: 0,
  sensors: [],
  plugins: {},
}) as unknown as PartialStep;

function bareRun(bars: readonly Bar[]): number {
  const plugins = makePlugins();
  const ring = new BarRing(2);
  for (const p of plugins) ring.ensureCapacity(p.window ?? 60);
  const views = plugins.map((p) => new RingWindow(ring, p.window ?? 60));
  const fns = plugins.map((p) => p.onBar as (args: OnBarArgs) => { active: boolean });
  const warm = plugins.map((p) => p.warmup ?? 20);
  let active = 0;
  const t0 = performance.now();
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i] as Bar;
    ring.push(bar);
    for (let k = 0; k < PLUGINS; k++) {
      if (i + 1 < (warm[k] as number)) continue;
      const r = (fns[k] as (a: OnBarArgs) => { active: boolean })({
        bar,
        window: views[k] as RingWindow,
        step: EMPTY_STEP,
        config: {},
        ctx: undefined as never,
        signal: NO_SIGNAL,
      });
      if (k === 0 && r.active) active++;
    }
  }
  const ms = performance.now() - t0;
  sink += active;
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;
// Exact heap figures need a forced collection; enable it without requiring a node flag.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function main(): Promise<void> {
  const { bars, source } = await loadBars();
  console.log(
    `@keel/host pipeline bench: ${bars.length} bars (${source}), ${PLUGINS} ATR-burst plugins, median of ${RUNS} runs`,
  );
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);

  // Warm both paths up so the JIT has settled before measuring (one round was not enough: the
  // first measured runs came out 1.5-2x slower than the rest).
  for (let w = 0; w < 3; w++) {
    await hostRun(bars);
    bareRun(bars);
  }

  const hostMs: number[] = [];
  const bareMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    hostMs.push(await hostRun(bars));
    bareMs.push(bareRun(bars));
  }
  const h = median(hostMs);
  const b = median(bareMs);
  const ratios = hostMs.map((x, i) => x / (bareMs[i] as number));
  const barsPerSec = (bars.length / h) * 1000;
  const usPerBar = (ms: number): string => ((ms / bars.length) * 1000).toFixed(3);
  console.log(
    `host : ${fmt(barsPerSec)} bars/s, ${fmt(barsPerSec * PLUGINS)} plugin calls/s (${h.toFixed(1)} ms/run, ${usPerBar(h)} µs/bar)`,
  );
  console.log(
    `bare : ${fmt((bars.length / b) * 1000)} bars/s (${b.toFixed(1)} ms/run, ${usPerBar(b)} µs/bar)`,
  );
  console.log(
    `host/bare time ratio: ${median(ratios).toFixed(2)}x median of paired runs (ratio of medians ${(h / b).toFixed(2)}x); ` +
      `host overhead ${(((h - b) / bars.length / PLUGINS) * 1e6).toFixed(0)} ns per plugin call (per-bar costs included)`,
  );

  console.log(
    `host/bare ratio per run: ${ratios.map((x) => x.toFixed(2)).join(' ')} ` +
      `(best host ${fmt((bars.length / Math.min(...hostMs)) * 1000)} bars/s, best bare ${fmt((bars.length / Math.min(...bareMs)) * 1000)} bars/s)`,
  );

  // The long run: flat per-bar time and heap over LONG_RUN generated bars, streamed (no array).
  const host = createHost({ services: { logger: createLogger({ level: 'error' }) } });
  await host.load(makePlugins());
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
    `${fmt(LONG_RUN)}-bar run (bars generated on the fly): ${fmt((LONG_RUN / total) * 1000)} bars/s; ` +
      `per bar: first 10% ${fmt(firstNs)} ns, last 10% ${fmt(lastNs)} ns`,
  );
  console.log(`heap after gc: before ${mb(heapBefore)}, after ${mb(heapAfter)}`);
  await host.dispose();
  if (sink < 0) console.log(sink);
}

await main();
