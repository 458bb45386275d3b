import type { Bar, BusEvent, SensorReading } from '@keel/contract';
import type {
  HostOptions,
  HostStepResult,
  LoadError,
  PanelView,
  PluginInfo,
  RejectedBar,
  RunRecord,
} from '@keel/host';
import { TestingError } from './errors.js';
import type { PluginInput } from './plugin-input.js';
import { createTestHost } from './test-host.js';

/** Bars for a run: an array, a generator (`generateBars`) or an async iterable (`readCsvBars`). */
export type BarSource = Iterable<Bar> | AsyncIterable<Bar>;

/** One plugin of a multi-plugin run, with its app config. */
export interface RunEntry {
  readonly plugin: PluginInput;
  readonly config?: unknown;
}

/** Host options for a run; the defaults are {@link createTestHost}'s. */
export type RunOptions = HostOptions;

/** What several plugins did over the bars, read after every job and event has settled. */
export interface PluginsRun {
  /** Readings per plugin id, one per accepted bar (`WARMUP` readings included). */
  readonly readings: Record<string, SensorReading[]>;
  /** One step result per accepted bar. */
  readonly steps: HostStepResult[];
  /** Bars the host refused; no plugin saw them. */
  readonly rejected: RejectedBar[];
  /** State and stats of every loaded plugin, in load order. */
  readonly info: PluginInfo[];
  /** Scheduled-job runs, oldest first. */
  readonly runs: RunRecord[];
  /** Every event published on the bus during the run, the host's `market_open` / `market_close` included. */
  readonly events: BusEvent[];
  /** Console panels of the plugins that have `describe()`, evaluated at the end of the run. */
  readonly panels: Record<string, PanelView>;
  readonly loadErrors: readonly LoadError[];
}

/**
 * Loads the plugins into a fresh test host, replays the bars and returns what happened. Plugins run
 * in layer order as in an app, so an `L3` plugin sees the `L2` readings. A plugin that fails to load
 * is listed in `loadErrors` and the others still run. The host is disposed before this resolves.
 */
export async function runPlugins(
  entries: ReadonlyArray<PluginInput | RunEntry>,
  bars: BarSource,
  options: RunOptions = {},
): Promise<PluginsRun> {
  const host = createTestHost(options);
  try {
    // Observed as they are recorded: `host.runs()` is a bounded log (the newest 1,000), so reading
    // it at the end would silently drop the oldest runs of a long replay.
    const runs: RunRecord[] = [];
    host.onRun((record) => void runs.push(record));
    const { loaded, errors } = await host.load(entries.map(toHostEntry));
    const events: BusEvent[] = [];
    host.bus.on('*', (event) => void events.push(event));
    const readings: Record<string, SensorReading[]> = {};
    for (const p of loaded) readings[p.id] = [];
    const steps: HostStepResult[] = [];
    const rejected: RejectedBar[] = [];
    await host.replay(bars, {
      onStep(step) {
        steps.push(step);
        for (const p of loaded) {
          const reading = step.plugins[p.id];
          if (reading !== undefined) readings[p.id]?.push(reading);
        }
      },
      onRejected: (bar) => void rejected.push(bar),
    });
    // The final bar's @close job and the events it publishes settle after the last step.
    await host.idle();
    const panels: Record<string, PanelView> = {};
    for (const p of loaded) {
      const panel = host.describe(p.id);
      if (panel !== undefined) panels[p.id] = panel;
    }
    return {
      readings,
      steps,
      rejected,
      info: host.plugins(),
      runs,
      events,
      panels,
      loadErrors: errors,
    };
  } finally {
    await host.dispose();
  }
}

export interface RunPluginOptions extends RunOptions {
  /** The plugin's app config, parsed with its zod schema like an app's would be. */
  readonly config?: unknown;
}

/** What one plugin did over the bars. */
export interface PluginRun {
  /** One reading per accepted bar (`WARMUP` readings included), in bar order. */
  readonly readings: SensorReading[];
  readonly steps: HostStepResult[];
  readonly rejected: RejectedBar[];
  readonly info: PluginInfo;
  readonly runs: RunRecord[];
  readonly events: BusEvent[];
  readonly panel: PanelView | undefined;
}

/**
 * Runs one plugin over the bars in a fresh test host. Throws `TESTING_LOAD_FAILED` when the plugin
 * does not load (bad manifest or config, throwing `setup`): a test should fail there, not on an
 * empty `readings` array further down.
 */
export async function runPlugin(
  plugin: PluginInput,
  bars: BarSource,
  options: RunPluginOptions = {},
): Promise<PluginRun> {
  const { config, ...hostOptions } = options;
  const run = await runPlugins([{ plugin, config }], bars, hostOptions);
  const info = run.info[0];
  if (info === undefined) {
    const reasons = run.loadErrors.map((e) => `${e.plugin} (${e.phase}): ${e.message}`).join('; ');
    throw new TestingError('TESTING_LOAD_FAILED', `plugin did not load: ${reasons}`, {
      field: 'plugin',
      value: run.loadErrors,
      hint: 'checkPluginContract(plugin) reports manifest and config problems one by one',
    });
  }
  return {
    readings: run.readings[info.id] ?? [],
    steps: run.steps,
    rejected: run.rejected,
    info,
    runs: run.runs,
    events: run.events,
    panel: run.panels[info.id],
  };
}

function toHostEntry(entry: PluginInput | RunEntry): { plugin: PluginInput; config?: unknown } {
  if (typeof entry === 'object' && entry !== null && 'plugin' in entry && !('id' in entry)) {
    return entry.config === undefined
      ? { plugin: entry.plugin }
      : { plugin: entry.plugin, config: entry.config };
  }
  return { plugin: entry as PluginInput };
}
