import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  type Bar,
  type KeelPlugin,
  type OnBarArgs,
  type PartialStep,
  parsePluginConfig,
  type SensorReading,
} from '@keel/contract';
import {
  BarRing,
  createHost,
  createLogger,
  generateBars,
  type PluginEntry,
  readCsvBars,
  RingWindow,
} from '@keel/host';
// The published seed plugin, imported from its source: a workspace dependency on it would make a
// cycle (its own tests run it in this host). The bench is not part of the package.
import { atrBurst } from '../../plugin-atr-burst/src/atr-burst.js';
import { sharedDataPath } from '../../../test-support/shared-data.js';
import { createMinimalAtr } from './minimal-atr.js';

// Replays bars through 8 ATR-burst plugins in the host, and through the same plugin functions
// called in a bare loop over the same ring buffer, in the same process. Two suites:
// - seed: 8 instances of the published seed example, @keel/plugin-atr-burst (14..21-bar ATR read
//   from the window, a six-key reading with a formatted status): the benchmark;
// - minimal: 8 instances of a stripped-down incremental ATR (≈ 50 ns a call), which shows the
//   host's fixed per-call cost as plainly as possible.
// Host and bare runs alternate, so each host run is paired with the bare runs around it: the
// headline ratio is the median of those paired ratios, which cancels most of a shared VM's drift
// (the ratio of the two separate medians is printed too). Then 1M generated bars stream through
// the host with the seed plugins for the flat-time and flat-heap figures.

const PLUGINS = Number(process.env.BENCH_PLUGINS ?? 8);
const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const LONG_RUN = Number(process.env.BENCH_LONG_BARS ?? 1_000_000);

interface BarePlugin {
  readonly onBar: (args: OnBarArgs) => SensorReading;
  readonly window: number;
  readonly warmup: number;
  readonly config: unknown;
}

interface Suite {
  readonly name: string;
  readonly title: string;
  /** Fresh plugins for one host run. */
  entries(): PluginEntry[];
  /** The same plugin functions and configs, fresh, for one bare run. */
  bare(): BarePlugin[];
}

const seedPlugin = (k: number): KeelPlugin => ({ ...atrBurst, id: `atr-burst-${k + 1}` }) as KeelPlugin;
const seedConfig = (k: number): { period: number; multiple: number } => ({ period: 14 + k, multiple: 1.5 });

const SUITES: readonly Suite[] = [
  {
    name: 'seed',
    title: '@keel/plugin-atr-burst (the seed example)',
    entries: () =>
      Array.from({ length: PLUGINS }, (_, k) => ({ plugin: seedPlugin(k), config: seedConfig(k) })),
    bare: () =>
      Array.from({ length: PLUGINS }, (_, k) => {
        const parsed = parsePluginConfig(seedPlugin(k), seedConfig(k));
        if (!parsed.ok) throw new Error(`seed config rejected: ${parsed.error.message}`);
        return {
          onBar: atrBurst.onBar as BarePlugin['onBar'],
          window: atrBurst.window ?? 60,
          warmup: atrBurst.warmup ?? 20,
          config: parsed.config,
        };
      }),
  },
  {
    name: 'minimal',
    title: 'minimal incremental ATR (overhead stress case)',
    entries: () =>
      Array.from({ length: PLUGINS }, (_, k) => ({
        plugin: createMinimalAtr(`atr-min-${k + 1}`, 14 + k, 1.5),
      })),
    bare: () =>
      Array.from({ length: PLUGINS }, (_, k) => {
        const p = createMinimalAtr(`atr-min-${k + 1}`, 14 + k, 1.5);
        return {
          onBar: p.onBar as BarePlugin['onBar'],
          window: p.window ?? 60,
          warmup: p.warmup ?? 20,
          config: {},
        };
      }),
  },
];

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

async function hostRun(suite: Suite, bars: readonly Bar[]): Promise<number> {
  const host = createHost(quiet());
  const { errors } = await host.load(suite.entries());
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

const NO_SIGNAL = new AbortController().signal;
const EMPTY_STEP = Object.freeze({
  bar: undefined,
  index: 0,
  sensors: [],
  plugins: {},
}) as unknown as PartialStep;

function bareRun(suite: Suite, bars: readonly Bar[]): number {
  const plugins = suite.bare();
  const ring = new BarRing(2);
  for (const p of plugins) ring.ensureCapacity(p.window);
  const views = plugins.map((p) => new RingWindow(ring, p.window));
  let active = 0;
  const t0 = performance.now();
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i] as Bar;
    ring.push(bar);
    for (let k = 0; k < PLUGINS; k++) {
      const p = plugins[k] as BarePlugin;
      if (i + 1 < p.warmup) continue;
      const r = p.onBar({
        bar,
        window: views[k] as RingWindow,
        step: EMPTY_STEP,
        config: p.config,
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

async function measure(suite: Suite, bars: readonly Bar[]): Promise<void> {
  // Warm both paths up so the JIT has settled before measuring (one round was not enough: the
  // first measured runs came out 1.5-2x slower than the rest).
  for (let w = 0; w < 3; w++) {
    await hostRun(suite, bars);
    bareRun(suite, bars);
  }
  const hostMs: number[] = [];
  const bareMs: number[] = [];
  const ratios: number[] = [];
  let before = bareRun(suite, bars);
  for (let r = 0; r < RUNS; r++) {
    const h = await hostRun(suite, bars);
    const after = bareRun(suite, bars);
    hostMs.push(h);
    bareMs.push(after);
    ratios.push(h / ((before + after) / 2));
    before = after;
  }
  const h = median(hostMs);
  const b = median(bareMs);
  const barsPerSec = (bars.length / h) * 1000;
  const usPerBar = (ms: number): string => ((ms / bars.length) * 1000).toFixed(3);
  console.log(`\n[${suite.name}] ${PLUGINS} × ${suite.title}`);
  console.log(
    `  host : ${fmt(barsPerSec)} bars/s, ${fmt(barsPerSec * PLUGINS)} plugin calls/s (${h.toFixed(1)} ms/run, ${usPerBar(h)} µs/bar)`,
  );
  console.log(
    `  bare : ${fmt((bars.length / b) * 1000)} bars/s (${b.toFixed(1)} ms/run, ${usPerBar(b)} µs/bar)`,
  );
  console.log(
    `  host/bare time ratio: ${median(ratios).toFixed(2)}x median of paired runs (ratio of medians ${(h / b).toFixed(2)}x); ` +
      `host overhead ${(((h - b) / bars.length / PLUGINS) * 1e6).toFixed(0)} ns per plugin call (per-bar costs included)`,
  );
  console.log(`  ratio per run: ${ratios.map((x) => x.toFixed(2)).join(' ')}`);
}

async function longRun(suite: Suite): Promise<void> {
  // Flat per-bar time and heap over LONG_RUN generated bars, streamed (no array).
  const host = createHost(quiet());
  await host.load(suite.entries());
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
    `\n[${suite.name}] ${fmt(LONG_RUN)}-bar run (bars generated on the fly): ${fmt((LONG_RUN / total) * 1000)} bars/s; ` +
      `per bar: first 10% ${fmt(firstNs)} ns, last 10% ${fmt(lastNs)} ns`,
  );
  console.log(`  heap after gc: before ${mb(heapBefore)}, after ${mb(heapAfter)}`);
  await host.dispose();
}

async function main(): Promise<void> {
  const { bars, source } = await loadBars();
  const only = process.env.BENCH_SUITE;
  const suites = SUITES.filter((s) => only === undefined || s.name === only);
  console.log(
    `@keel/host pipeline bench: ${bars.length} bars (${source}), ${PLUGINS} plugins per suite, median of ${RUNS} runs`,
  );
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  for (const suite of suites) await measure(suite, bars);
  await longRun(suites[0] as Suite);
  if (sink < 0) console.log(sink);
}

await main();
