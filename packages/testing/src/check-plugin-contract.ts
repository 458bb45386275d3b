import {
  type Bar,
  type KeelPlugin,
  parsePluginConfig,
  parsePluginManifest,
  type SensorReading,
  validateReading,
} from '@keel/contract';
import { generateBars, type Host, type HostOptions, HOST_STATUS, type RunRecord } from '@keel/host';
import type { ContractCheck, ContractProblem, ContractReport } from './contract-report.js';
import { firstDifference } from './first-difference.js';
import { instantiate, type PluginInput } from './plugin-input.js';
import type { BarSource } from './run-plugins.js';
import { createTestHost } from './test-host.js';

export interface CheckPluginContractOptions {
  /** App config for the plugin (default: none, so the schema's defaults). */
  readonly config?: unknown;
  /** Bars to check on as well as the generated ones, e.g. `readCsvBars('SPY_5m.csv')`. */
  readonly bars?: BarSource;
  /** Seed of the generated bars (default 1). */
  readonly seed?: number;
  /** Generated bars (default 600, about two days of 5-minute bars, more for a long warm-up or window). */
  readonly count?: number;
  /** Host options; the defaults are `createTestHost`'s. */
  readonly host?: HostOptions;
}

/** A job run without what depends on the machine (start and wall durations). */
interface RunOutcome {
  job: string;
  scheduledAt: number;
  success: boolean;
  error: string | undefined;
  data: unknown;
}

interface Outcome {
  readings: SensorReading[];
  runs: RunOutcome[];
}

interface Subject {
  readonly input: PluginInput;
  readonly id: string;
  readonly warmup: number;
  readonly hasOnBar: boolean;
  readonly config: unknown;
  readonly hostOptions: HostOptions;
}

const FAILURE_PREFIXES = [HOST_STATUS.errorPrefix, HOST_STATUS.timeout, HOST_STATUS.quarantined];

/**
 * Runs a plugin the way apps will and reports every way it breaks the contract: manifest and
 * config, warm-up, reading validity, job and panel failures, determinism, reset, look-ahead and
 * factory independence. Checks run on deterministic generated bars and on `bars` when given.
 * Never throws for a plugin's fault: each fault becomes a problem in the report.
 */
export async function checkPluginContract(
  plugin: PluginInput,
  options: CheckPluginContractOptions = {},
): Promise<ContractReport> {
  const problems: ContractProblem[] = [];
  const checked = new Set<ContractCheck>(['manifest']);
  const report = (id: string | undefined): ContractReport => ({
    ok: problems.length === 0,
    plugin: id,
    problems: dedupe(problems),
    checked: [...checked],
  });

  const instance = instantiate(plugin);
  if (!instance.ok) {
    problems.push({ check: 'manifest', message: instance.message });
    return report(undefined);
  }
  const manifest = parsePluginManifest(instance.plugin);
  if (!manifest.ok) {
    problems.push({ check: 'manifest', message: manifest.error.message });
    return report(undefined);
  }
  const { id, warmup, window } = manifest.manifest;
  checked.add('config');
  const config = parsePluginConfig(instance.plugin as KeelPlugin, options.config);
  if (!config.ok) {
    problems.push({ check: 'config', message: config.error.message });
    return report(id);
  }

  const subject: Subject = {
    input: plugin,
    id,
    warmup,
    hasOnBar: typeof (instance.plugin as KeelPlugin).onBar === 'function',
    config: options.config,
    hostOptions: options.host ?? {},
  };
  const seed = options.seed ?? 1;
  const count = options.count ?? Math.max(600, warmup + 2 * window + 100);
  const datasets: Array<{ label: string; bars: Bar[] }> = [
    { label: `generated bars (seed ${seed})`, bars: [...generateBars({ count, seed })] },
  ];
  if (options.bars !== undefined) datasets.push({ label: 'given bars', bars: await collect(options.bars) });

  for (const { label, bars } of datasets) {
    const found = await checkOn(subject, bars, checked);
    for (const p of found) problems.push({ check: p.check, message: `${label}: ${p.message}` });
    if (found.some((p) => p.check === 'load')) break;
  }
  return report(id);
}

/** All checks that need the plugin running, on one data set. */
async function checkOn(s: Subject, bars: Bar[], checked: Set<ContractCheck>): Promise<ContractProblem[]> {
  const problems: ContractProblem[] = [];
  const add = (check: ContractCheck, message: string) => void problems.push({ check, message });

  checked.add('load');
  const host = await loadedHost(s, add);
  if (host === undefined) return problems;
  try {
    const baseline = await replay(host, s, bars);

    if (s.hasOnBar) {
      checked.add('warmup');
      checkWarmup(s, baseline.readings, add);
      checked.add('readings');
      checkReadings(baseline.readings, add);
    }
    checked.add('jobs');
    const failed = baseline.runs.filter((r) => !r.success);
    if (failed[0] !== undefined) {
      add(
        'jobs',
        `${failed.length} of ${baseline.runs.length} job runs failed; the first, ${failed[0].job} at ${iso(failed[0].scheduledAt)}: ${failed[0].error ?? 'no error message'}`,
      );
    }
    checked.add('panel');
    const panel = host.describe(s.id);
    for (const [stat, value] of Object.entries(panel?.stats ?? {})) {
      if (isStatError(value)) add('panel', `stat ${JSON.stringify(stat)} failed: ${value.error}`);
    }

    // A plugin that does not repeat itself makes every comparison below fail too; say so.
    checked.add('determinism');
    const again = await freshRun(s, bars, add);
    if (again === undefined) return problems;
    const nondeterministic = compare(baseline, again);
    if (nondeterministic !== undefined) {
      add('determinism', `a second host over the same bars differs at ${nondeterministic}`);
    }
    const because = nondeterministic === undefined ? '' : ' (runs are not deterministic: see determinism)';

    checked.add('reset');
    host.reset();
    const afterReset = await replay(host, s, bars, false);
    const resetDiff = compare(baseline, afterReset);
    if (resetDiff !== undefined) {
      add(
        'reset',
        `a replay after host.reset() differs from a fresh host at ${resetDiff}; does reset() clear all state?${because}`,
      );
    }

    checked.add('look-ahead');
    for (const k of prefixLengths(bars.length, s.warmup)) {
      const prefix = await freshRun(s, bars.slice(0, k), add);
      if (prefix === undefined) return problems;
      const diff = firstDifference(baseline.readings.slice(0, prefix.readings.length), prefix.readings);
      if (diff !== undefined) {
        add('look-ahead', `readings over the first ${k} bars differ from the full run at ${diff}${because}`);
        break;
      }
    }

    if (typeof s.input === 'function') {
      checked.add('factory');
      await checkFactory(s, bars, baseline, because, add);
    }
  } finally {
    await host.dispose();
  }
  return problems;
}

async function loadedHost(
  s: Subject,
  add: (check: ContractCheck, message: string) => void,
): Promise<Host | undefined> {
  const host = createTestHost(s.hostOptions);
  const { errors } = await host.load([{ plugin: s.input, config: s.config }]);
  if (errors.length === 0) return host;
  for (const e of errors) add('load', `${e.phase}: ${e.message}`);
  await host.dispose();
  return undefined;
}

async function freshRun(
  s: Subject,
  bars: BarSource,
  add: (check: ContractCheck, message: string) => void,
): Promise<Outcome | undefined> {
  const host = await loadedHost(s, add);
  if (host === undefined) return undefined;
  try {
    return await replay(host, s, bars);
  } finally {
    await host.dispose();
  }
}

async function replay(host: Host, s: Subject, bars: BarSource, reset = true): Promise<Outcome> {
  const readings: SensorReading[] = [];
  // Observed as they are recorded: `host.runs()` is a bounded log, so slicing it by length would
  // lose this replay's runs once earlier replays on the same host have filled it.
  const recorded: RunRecord[] = [];
  const stop = host.onRun((r) => {
    if (r.plugin === s.id) recorded.push(r);
  });
  try {
    await host.replay(bars, {
      reset,
      onStep(step) {
        const reading = step.plugins[s.id];
        if (reading !== undefined) readings.push(reading);
      },
    });
    await host.idle();
  } finally {
    stop();
  }
  const runs = recorded.map((r) => ({
    job: r.job,
    scheduledAt: r.scheduledAt,
    success: r.success,
    error: r.error,
    data: r.data,
  }));
  return { readings, runs };
}

function checkWarmup(
  s: Subject,
  readings: SensorReading[],
  add: (check: ContractCheck, message: string) => void,
) {
  // The host calls onBar on the warmup-th bar (index warmup - 1); a WARMUP the plugin makes itself
  // after that means it needs more bars than its manifest declares.
  const expected = Math.max(s.warmup, 1) - 1;
  if (readings.length <= expected) return;
  const first = readings.findIndex((r) => r.status !== HOST_STATUS.warmup);
  if (first === expected) return;
  const where = first === -1 ? `no bar of ${readings.length}` : `bar ${first}`;
  add(
    'warmup',
    `the first reading after the warm-up is on ${where}, expected bar ${expected} (manifest.warmup ${s.warmup}); declare the warm-up the plugin really needs`,
  );
}

function checkReadings(readings: SensorReading[], add: (check: ContractCheck, message: string) => void) {
  let failures = 0;
  let firstFailure: string | undefined;
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    const check = validateReading(r);
    const bad = !check.ok
      ? check.message
      : FAILURE_PREFIXES.some((p) => r.status.startsWith(p))
        ? r.status
        : undefined;
    if (bad === undefined) continue;
    failures++;
    firstFailure ??= `bar ${i}: ${bad}`;
  }
  if (firstFailure !== undefined) {
    add('readings', `${failures} of ${readings.length} readings are failures; the first, on ${firstFailure}`);
  }
}

/** Two instances from the factory in two hosts, fed bar by bar in turn, must each match a solo run. */
async function checkFactory(
  s: Subject,
  bars: Bar[],
  baseline: Outcome,
  because: string,
  add: (check: ContractCheck, message: string) => void,
) {
  const a = instantiate(s.input);
  const b = instantiate(s.input);
  if (a.ok && b.ok && a.plugin === b.plugin) {
    add('factory', 'the factory returned the same object twice; return a new plugin from every call');
  }
  const [x, y] = await Promise.all([
    freshRun(s, interleaved(bars), add),
    freshRun(s, interleaved(bars), add),
  ]);
  for (const run of [x, y]) {
    const diff = run === undefined ? undefined : compare(baseline, run);
    if (diff !== undefined) {
      add(
        'factory',
        `two instances running side by side interfere: a run differs from a solo run at ${diff}${because}`,
      );
      return;
    }
  }
}

/** Yields one bar per macrotask, so two replays fed by it take turns bar by bar. */
async function* interleaved(bars: readonly Bar[]): AsyncGenerator<Bar> {
  for (const bar of bars) {
    await new Promise((resolve) => setImmediate(resolve));
    yield bar;
  }
}

function compare(expected: Outcome, actual: Outcome): string | undefined {
  return (
    firstDifference(expected.readings, actual.readings) ??
    firstDifference(expected.runs, actual.runs, 'job run')
  );
}

/** Prefixes ending right after the warm-up, in the middle and one bar before the end. */
function prefixLengths(n: number, warmup: number): number[] {
  const ks = new Set([Math.max(warmup, 2), Math.floor(n / 2), n - 1]);
  return [...ks].filter((k) => k > 0 && k < n).sort((a, b) => a - b);
}

async function collect(bars: BarSource): Promise<Bar[]> {
  const out: Bar[] = [];
  for await (const bar of bars) out.push(bar);
  return out;
}

function isStatError(value: unknown): value is { error: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { error?: unknown }).error === 'string'
  );
}

function iso(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : String(time);
}

function dedupe(problems: ContractProblem[]): ContractProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.check}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
