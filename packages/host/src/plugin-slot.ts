import type {
  HostContext,
  Isolation,
  KeelPlugin,
  Layer,
  Logger,
  Manifest,
  OnBarArgs,
  SensorReading,
  SensorRow,
} from '@keel/contract';
import { layerRank } from '@keel/contract';
import { DurationHistogram, type DurationSummary } from './duration-histogram.js';
import { FailureTracker, type QuarantinePolicy } from './quarantine.js';
import { DISABLED_READING, QUARANTINED_READING, TIMEOUT_READING, WARMUP_READING } from './readings.js';
import type { BarRing } from './ring-window.js';
import { RingWindow } from './ring-window.js';
import type { WorkerPlugin } from './worker-plugin.js';

/** Lifecycle state of a loaded plugin as `host.plugins()` reports it. */
export type PluginState = 'loaded' | 'warming' | 'ready' | 'quarantined' | 'disabled';

export type FailureKind = 'ERROR' | 'TIMEOUT' | 'CONTRACT';

export interface PluginFailure {
  readonly kind: FailureKind;
  readonly message: string;
  /** Index of the bar it happened on. */
  readonly index: number;
}

export interface PluginStats {
  /** `onBar` invocations (warm-up, disabled and quarantined bars are not calls). */
  readonly calls: number;
  /** Calls that threw, rejected or returned a reading that broke the contract. */
  readonly errors: number;
  readonly timeouts: number;
  readonly consecutiveFailures: number;
  /** Times the plugin entered quarantine. */
  readonly quarantines: number;
  /** Worker threads started again after a timeout, crash, exit or out-of-memory (0 in-process). */
  readonly restarts: number;
  readonly lastError: PluginFailure | null;
  readonly durations: DurationSummary;
}

export interface PluginInfo {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly layer: Layer;
  readonly sensorId: string;
  readonly isolation: Isolation;
  readonly state: PluginState;
  /** `state` with the warm-up progress, e.g. `warming 3/20`. */
  readonly label: string;
  readonly warmup: { readonly seen: number; readonly needed: number };
  readonly stats: PluginStats;
}

/** Everything the host keeps per loaded plugin. Mutable internals of the pipeline, not public API. */
export class PluginSlot {
  readonly id: string;
  readonly sensorId: string;
  readonly name: string;
  readonly layer: Layer;
  /** `manifest.warmup`, cached: the manifest's hidden class is not the pipeline's to rely on. */
  readonly warmup: number;
  /** `budget.timeoutMs`: a synchronous call that ran longer publishes a TIMEOUT reading instead. */
  readonly timeoutMs: number;
  /** `budget.cpuMs`, or `Infinity` when the plugin declares none. */
  readonly cpuMs: number;
  /** Largest serialized reading accepted, in bytes. */
  readonly maxReadingBytes: number;
  readonly manifest: Manifest;
  readonly plugin: KeelPlugin;
  readonly onBar: KeelPlugin['onBar'];
  readonly config: unknown;
  readonly rank: number;
  /** Load sequence number: orders plugins within a layer. */
  readonly order: number;
  readonly view: RingWindow;
  readonly tracker: FailureTracker;
  readonly histogram = new DurationHistogram();
  readonly lifetime = new AbortController();
  readonly log: Logger;
  ctx!: HostContext;
  /** Set for `isolation: 'worker'`: `onBar` runs in that thread, never on `plugin` in this one. */
  worker: WorkerPlugin | null = null;
  /**
   * The argument object of every `onBar` call. Everything in it is either constant per plugin or a
   * live view re-pointed per bar, so it is built (and frozen) once when the run order changes.
   */
  args!: OnBarArgs;

  enabled: boolean;
  /** Bars seen since the last reset or enable; drives the warm-up. */
  seen = 0;
  calls = 0;
  errors = 0;
  timeouts = 0;
  quarantines = 0;
  lastError: PluginFailure | null = null;
  /** Countdown to the next call whose duration enters the histogram. */
  untilSample = 0;
  /**
   * With `budget.cpuMs`: set once a call ran longer (wall time) than `cpuMs`. From then on every
   * call also reads the process CPU clock, and one over `cpuMs` fails. Until then a call's CPU
   * time on this thread is bounded by its wall time, which is within the budget: nothing to read.
   */
  cpuWatch = false;

  /** True while an `onBar` call (sync or async) is in progress: `ctx.signal` is then the call's. */
  inCall = false;
  /**
   * With `guardWindows`: a write into the window found right after the synchronous part of this
   * plugin's async `onBar`, held until the call settles so the plugin that wrote is the one blamed.
   */
  pendingWindowDamage: string | undefined = undefined;
  callController: AbortController | null = null;

  readonly rowWarmup: SensorRow;
  readonly rowDisabled: SensorRow;
  readonly rowQuarantined: SensorRow;
  readonly rowTimeout: SensorRow;

  constructor(args: {
    plugin: KeelPlugin;
    manifest: Manifest;
    config: unknown;
    enabled: boolean;
    order: number;
    ring: BarRing;
    policy: QuarantinePolicy;
    log: Logger;
    maxReadingBytes: number;
  }) {
    this.plugin = args.plugin;
    this.manifest = args.manifest;
    this.id = args.manifest.id;
    this.sensorId = args.manifest.sensorId;
    this.name = args.manifest.name;
    this.layer = args.manifest.layer;
    this.warmup = args.manifest.warmup;
    this.timeoutMs = args.manifest.budget.timeoutMs;
    this.cpuMs = args.manifest.budget.cpuMs ?? Number.POSITIVE_INFINITY;
    this.maxReadingBytes = args.maxReadingBytes;
    this.onBar = args.plugin.onBar;
    this.config = args.config;
    this.enabled = args.enabled;
    this.order = args.order;
    this.rank = layerRank(args.manifest.layer);
    this.view = Object.freeze(new RingWindow(args.ring, args.manifest.window)) as RingWindow;
    this.tracker = new FailureTracker(args.policy);
    this.log = args.log;
    this.rowWarmup = this.row(WARMUP_READING, true);
    this.rowDisabled = this.row(DISABLED_READING, true);
    this.rowQuarantined = this.row(QUARANTINED_READING, true);
    this.rowTimeout = this.row(TIMEOUT_READING, true);
  }

  /** `ctx.signal`: the running call's signal inside `onBar`, else the plugin's lifetime signal. */
  signal(): AbortSignal {
    if (!this.inCall) return this.lifetime.signal;
    this.callController ??= new AbortController();
    return this.callController.signal;
  }

  /**
   * A fresh sensor row for `reading` (rows are published per step, so never reused). The constant
   * columns are cached on the slot: every row of every plugin has the same hidden class.
   */
  row(reading: SensorReading, freeze: boolean): SensorRow {
    const row: SensorRow = {
      id: this.sensorId,
      plugin: this.id,
      name: this.name,
      layer: this.layer,
      active: reading.active,
      score: reading.score,
      status: reading.status,
    };
    return freeze ? Object.freeze(row) : row;
  }

  state(): PluginState {
    if (!this.enabled) return 'disabled';
    if (this.tracker.quarantined) return 'quarantined';
    if (this.seen === 0) return 'loaded';
    return this.seen < this.manifest.warmup ? 'warming' : 'ready';
  }

  /** Forget everything derived from bars: warm-up, failure streak, quarantine (stats are kept). */
  rewind(): void {
    this.seen = 0;
    this.cpuWatch = false;
    this.tracker.reset();
    this.worker?.rewind();
  }

  info(): PluginInfo {
    const m = this.manifest;
    const state = this.state();
    const needed = m.warmup;
    const seen = Math.min(this.seen, needed);
    return {
      id: m.id,
      name: m.name,
      version: m.version,
      layer: m.layer,
      sensorId: m.sensorId,
      isolation: m.isolation,
      state,
      label: state === 'warming' ? `warming ${seen}/${needed}` : state,
      warmup: { seen, needed },
      stats: {
        calls: this.calls,
        errors: this.errors,
        timeouts: this.timeouts,
        consecutiveFailures: this.tracker.consecutive,
        quarantines: this.quarantines,
        restarts: this.worker?.restarts ?? 0,
        lastError: this.lastError,
        durations: this.histogram.summary(),
      },
    };
  }
}
