import type { Bar, Budget, KeelPlugin, Layer, Logger, MarketData, Rpc } from '@keel/contract';
import { z } from 'zod';
import { describeThrown, HostError } from './errors.js';
import { createLogger, type HostLogger, scopeLogger } from './logger.js';
import { HostRuntime, type HostRuntimeOptions } from './host-runtime.js';
import {
  DEFAULT_MARKET_HISTORY,
  DEFAULT_MAX_SYMBOLS,
  MarketHistory,
  type MarketHistoryStats,
} from './market-history.js';
import { createPluginContext, type HostServices } from './plugin-context.js';
import { SessionEvents } from './session-events.js';
import type { EventBus } from './services/event-bus.js';
import { evaluatePanel, type PanelView } from './services/panel.js';
import type { RunFilter, RunRecord } from './services/run-log.js';
import { isPeriodicKind, type NextRun } from './services/scheduler.js';
import {
  checkPlugin,
  importPlugin,
  instantiatePlugin,
  type LoadCandidate,
  type LoadError,
  loadError,
  type PluginEntry,
  type PluginFactory,
  resolveSpecifier,
  type ThrownDetail,
  thrownDetail,
  thrownLoadError,
  toEntry,
} from './plugin-loader.js';
import { type PluginInfo, PluginSlot } from './plugin-slot.js';
import {
  type BarTimeListener,
  type HostStepResult,
  Pipeline,
  type RejectedBar,
  type RejectedBarCounts,
  type StepOutcome,
} from './pipeline.js';
import { DEFAULT_QUARANTINE, type QuarantinePolicy } from './quarantine.js';
import { DEFAULT_MAX_READING_BYTES } from './readings.js';
import { WorkerPlugin } from './worker-plugin.js';

export interface HostOptions extends HostRuntimeOptions {
  /**
   * Replaces individual services given to plugins (a Redis bus, a shared cache, a test clock). By
   * default the host provides an in-memory bus, an RPC registry, a SQLite cache (`cache` option),
   * the scheduler's clocks and a structured logger.
   */
  services?: Partial<HostServices>;
  /** Consecutive failures before quarantine and the back-off in bars. */
  quarantine?: Partial<QuarantinePolicy>;
  /**
   * Record one sync `onBar` call in this many in the duration quantiles (default 16). Every call
   * is still timed against its budget; async calls are always recorded.
   */
  timingSampleEvery?: number;
  /**
   * Verify after every call that the plugin did not write into `window.*.values()`, repair the
   * window and turn the write into an ERROR reading. O(window) per call: for tests and debugging.
   */
  guardWindows?: boolean;
  /** Directory plugin paths and package names are resolved from (default `process.cwd()`). */
  resolveFrom?: string;
  /** Limit for each plugin's `setup` and `dispose` (default 10 s). */
  lifecycleTimeoutMs?: number;
  /** Registered before any bar: see {@link Host.onBarTime}. */
  onBarTime?: BarTimeListener;
  /** What `ctx.market` keeps and which market events the host publishes. */
  market?: MarketOptions;
  /**
   * Monotonic milliseconds that synchronous `onBar` calls are timed with against `budget.timeoutMs`
   * and `budget.cpuMs`, and `timing.totalMs` (default `performance.now`). Tests inject a fake clock
   * a plugin advances inside `onBar`, so budget failures are deterministic.
   */
  now?: () => number;
  /**
   * Process CPU time in milliseconds (default `process.cpuUsage()` user + system), read around the
   * calls of a plugin with `budget.cpuMs` once one of its calls ran longer than that in wall time.
   */
  cpuTime?: () => number;
  /**
   * Largest reading a plugin may return, measured as serialized JSON in bytes (default 262 144,
   * 256 KB); a `PluginEntry` can set its own. A larger one becomes
   * `ERROR: contract: reading is larger than N bytes`.
   */
  maxReadingBytes?: number;
}

/** Retention of the per-series bar history behind `ctx.market`, and the `bar` event. */
export interface MarketOptions {
  /**
   * Bars kept per series (symbol). Default 5 000, raised to the largest `manifest.window` of the
   * loaded plugins; when set, exactly this many.
   */
  history?: number;
  /** Most series kept (default 64); bars of further symbols still run through plugins, uncounted by `ctx.market`. */
  maxSymbols?: number;
  /**
   * Publish a `bar` event (`data`: the bar) for every accepted bar, before plugins run. Off by
   * default: it costs an event per bar. `market_open` / `market_close` are always published.
   */
  barEvents?: boolean;
}

const MarketOptionsSchema = z
  .object({
    history: z.number().int().min(2).max(10_000_000).optional(),
    maxSymbols: z.number().int().min(1).max(100_000).optional(),
    barEvents: z.boolean().optional(),
  })
  .strict();

/** A plugin that made it through every load phase. */
export interface LoadedPlugin {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly layer: Layer;
  /** Package name, file path, or `entry[i]` for an in-memory plugin. */
  readonly source: string;
}

export interface LoadResult {
  readonly loaded: readonly LoadedPlugin[];
  readonly errors: readonly LoadError[];
}

export interface ReplayProgress {
  /** Bars read from the source so far (accepted + rejected). */
  readonly processed: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Time of the newest accepted bar (NaN before the first). */
  readonly lastTime: number;
  readonly elapsedMs: number;
  readonly done: boolean;
}

export interface ReplayOptions {
  /** Called every `progressEvery` bars and once at the end. */
  onProgress?: (progress: ReplayProgress) => void;
  /** Bars between progress reports (default 10 000). */
  progressEvery?: number;
  onStep?: (result: HostStepResult) => void;
  onRejected?: (rejection: RejectedBar) => void;
  /** Reset windows, warm-up and plugin state first (default true: a replay restarts the run). */
  reset?: boolean;
  /** Stops the replay between bars. */
  signal?: AbortSignal;
}

export interface ReplaySummary {
  readonly processed: number;
  readonly accepted: number;
  readonly rejected: RejectedBarCounts;
  readonly durationMs: number;
  readonly aborted: boolean;
}

/** The plugin host: loading, the per-bar pipeline and plugin lifecycle. */
export interface Host {
  /** Loads plugins in order. Failures are recorded per entry and never stop the others. */
  load(entries: Iterable<PluginEntry | KeelPlugin | PluginFactory | string>): Promise<LoadResult>;
  /** Every load error since the host was created. */
  readonly loadErrors: readonly LoadError[];
  /**
   * Runs one bar through every plugin. Synchronous unless some `onBar` returned a promise; a
   * bar that fails validation comes back as a `RejectedBar` and no plugin sees it.
   */
  step(bar: Bar): StepOutcome | Promise<StepOutcome>;
  /** Steps through a sync or async iterable of bars, resetting first unless `reset: false`. */
  replay(bars: Iterable<Bar> | AsyncIterable<Bar>, options?: ReplayOptions): Promise<ReplaySummary>;
  /** Data reload: clears the window, bar index and time check; warm-up and quarantine restart; plugins' `reset()` run. */
  reset(): void;
  /** Turns a plugin back on; it gets `reset()` and warms up again, since it missed bars. */
  enable(id: string): void;
  /** From the next bar the plugin gets DISABLED readings and is not called. */
  disable(id: string): void;
  /** State and stats of every loaded plugin, in load order. */
  plugins(): PluginInfo[];
  /** Bars rejected in the current run, by reason. */
  readonly rejectedBars: RejectedBarCounts;
  /**
   * Observes the time of every accepted bar, before plugins run on it. This is the scheduler's
   * hook for driving `@open`/`@close`/interval jobs from bar time in a replay. Listener errors
   * are logged, never propagated.
   */
  onBarTime(listener: BarTimeListener): () => void;
  /** Waits for the running step, aborts every plugin's signal and runs `dispose()` hooks. */
  dispose(): Promise<void>;
  /** The event bus plugins share; events published here carry `source: 'host'`. */
  readonly bus: EventBus;
  /** RPC client for the app and API: calls carry `caller: 'api'`. */
  readonly rpc: Rpc;
  /** The bounded run log of scheduled jobs, oldest first. */
  runs(filter?: RunFilter): RunRecord[];
  /** Every scheduled job and when it is next due. */
  nextRuns(): NextRun[];
  /**
   * Runs a plugin's scheduled job now (the scheduler's `runNow`): resolves with its run record,
   * also in `runs()` and `onRun`. `SCHEDULER_UNKNOWN_JOB` / `SCHEDULER_JOB_BUSY` reject.
   */
  runJob(plugin: string, job: string): Promise<RunRecord>;
  /** The recent bars plugins read as `ctx.market` (for the app and API: newest accepted bar included). */
  readonly market: MarketData;
  /** Retention of `ctx.market`: bars kept per series, series, bars dropped beyond `maxSymbols`. */
  marketStats(): MarketHistoryStats;
  /**
   * Observes every scheduled run as it is recorded (the same record `runs()` returns); returns an
   * unsubscribe. Listener errors are swallowed so an observer can never disturb the scheduler.
   */
  onRun(listener: (record: RunRecord) => void): () => void;
  /**
   * A plugin's console panel, evaluated now: each stat getter is called lazily and a throwing one
   * yields `{ error }` for that stat only. `undefined` when the plugin has no `describe()`.
   */
  describe(id: string): PanelView | undefined;
  /** Live mode: runs scheduled jobs on the wall clock until `stop()` or `dispose()`. */
  start(): void;
  stop(): void;
  /** Resolves when no step, scheduled run or event delivery is in progress. */
  idle(): Promise<void>;
}

/** Scheduled jobs of a plugin that declares no budget get this one (a bar's 1 s default is too tight for jobs). */
export const DEFAULT_JOB_BUDGET: Budget = Object.freeze({ timeoutMs: 60_000 });

/** Creates a plugin host. Nothing is loaded until `load()`. */
export function createHost(options: HostOptions = {}): Host {
  return new PluginHost(options);
}

class PluginHost implements Host {
  private readonly services: Partial<HostServices>;
  private readonly runtime: HostRuntime;
  private jobPlugins = 0;
  private live = false;
  readonly bus: EventBus;
  readonly rpc: Rpc;
  private readonly log: HostLogger | Logger;
  private readonly policy: QuarantinePolicy;
  private readonly pipeline: Pipeline;
  private readonly history: MarketHistory;
  private readonly sessions: SessionEvents;
  readonly market: MarketData;
  private readonly resolveFrom: string;
  private readonly lifecycleTimeoutMs: number;
  private readonly maxReadingBytes: number;
  private readonly slots = new Map<string, PluginSlot>();
  private readonly errors: LoadError[] = [];
  private loading: Promise<unknown> = Promise.resolve();
  private order = 0;
  private disposed = false;

  constructor(options: HostOptions) {
    const market = parseMarketOptions(options.market);
    this.history = new MarketHistory({
      history: market.history ?? DEFAULT_MARKET_HISTORY,
      fixed: market.history !== undefined,
      maxSymbols: market.maxSymbols ?? DEFAULT_MAX_SYMBOLS,
    });
    this.market = this.history.reader();
    this.runtime = new HostRuntime(options);
    const runtime = this.runtime;
    this.bus = runtime.bus;
    this.rpc = runtime.rpc.forCaller('api');
    this.services = {
      market: this.market,
      bus: runtime.bus,
      busFor: (id) => runtime.bus.forPlugin(id),
      rpc: runtime.rpc.forCaller('host'),
      rpcFor: (id) => runtime.rpc.forCaller(id),
      cacheFor: (id) => runtime.cacheFor(id),
      clock: runtime.clock,
      ...options.services,
    };
    this.sessions = new SessionEvents({
      calendar: runtime.calendar,
      publish: (type, data) => runtime.bus.publish(type, data),
      moveTo: (time) => runtime.advanceReplayTime(time),
    });
    this.log = this.services.logger ?? createLogger();
    this.policy = { ...DEFAULT_QUARANTINE, ...options.quarantine };
    checkPositiveInt('quarantine.threshold', this.policy.threshold);
    checkPositiveInt('quarantine.backoffBars', this.policy.backoffBars);
    checkPositiveInt('quarantine.maxBackoffBars', this.policy.maxBackoffBars);
    const sample = options.timingSampleEvery ?? 16;
    checkPositiveInt('timingSampleEvery', sample);
    this.lifecycleTimeoutMs = options.lifecycleTimeoutMs ?? 10_000;
    checkPositiveInt('lifecycleTimeoutMs', this.lifecycleTimeoutMs);
    this.resolveFrom = options.resolveFrom ?? process.cwd();
    this.maxReadingBytes = options.maxReadingBytes ?? DEFAULT_MAX_READING_BYTES;
    checkPositiveInt('maxReadingBytes', this.maxReadingBytes);
    const now = options.now;
    if (now !== undefined && typeof now !== 'function') throw invalidHook('now');
    if (options.cpuTime !== undefined && typeof options.cpuTime !== 'function') throw invalidHook('cpuTime');
    this.pipeline = new Pipeline({
      log: this.log,
      clock: now === undefined ? undefined : { now },
      cpuTime: options.cpuTime,
      timingSampleEvery: sample,
      guardWindows: options.guardWindows ?? false,
      history: this.history,
      onAccepted:
        market.barEvents === true ? (bar) => runtime.bus.publish('bar', barEventData(bar)) : undefined,
    });
    if (options.onBarTime) this.pipeline.onBarTime(options.onBarTime);
  }

  get loadErrors(): readonly LoadError[] {
    return this.errors;
  }

  get rejectedBars(): RejectedBarCounts {
    return this.pipeline.rejected();
  }

  load(entries: Iterable<PluginEntry | KeelPlugin | PluginFactory | string>): Promise<LoadResult> {
    this.assertLive();
    const list = [...entries].map(toEntry);
    // Loads run one after another so ids and run order never depend on import timing.
    const run = this.loading.then(() => this.loadNow(list));
    this.loading = run.catch(() => undefined);
    return run;
  }

  private async loadNow(entries: PluginEntry[]): Promise<LoadResult> {
    // Imports are independent and may be slow: run them together, then decide in entry order.
    const imported = await Promise.all(
      entries.map(async (entry, i) => {
        const spec = entry.plugin;
        if (typeof spec !== 'string')
          return { source: `entry[${i}]`, result: { ok: true as const, plugin: spec as unknown } };
        return { source: spec, result: await importPlugin(spec, this.resolveFrom) };
      }),
    );
    const loaded: LoadedPlugin[] = [];
    const errors: LoadError[] = [];
    const taken = new Set(this.slots.keys());
    for (let i = 0; i < entries.length; i++) {
      const { source, result } = imported[i] as (typeof imported)[number];
      if (!result.ok) {
        errors.push(loadError(source, 'import', result.code, result.message, i));
        continue;
      }
      const instance = instantiatePlugin(result.plugin);
      if (!instance.ok) {
        errors.push(thrownLoadError(source, 'import', 'HOST_IMPORT_FAILED', instance, i));
        continue;
      }
      const checked = checkPlugin(instance.plugin, entries[i] as PluginEntry, i, source, taken);
      if (!checked.ok) {
        errors.push(checked.error);
        continue;
      }
      const maxReadingBytes = (entries[i] as PluginEntry).maxReadingBytes ?? this.maxReadingBytes;
      if (!Number.isInteger(maxReadingBytes) || maxReadingBytes < 1) {
        errors.push(
          loadError(
            checked.candidate.manifest.id,
            'config',
            'HOST_INVALID_OPTION',
            `maxReadingBytes must be a positive integer (got ${String(maxReadingBytes)})`,
            i,
            "set the entry's maxReadingBytes to a byte count such as 262144, or leave it out for the host default",
          ),
        );
        continue;
      }
      taken.add(checked.candidate.manifest.id);
      const slot = this.createSlot(checked.candidate, maxReadingBytes);
      if (checked.candidate.manifest.isolation === 'worker') {
        // The thread imports the module again, parses the config with the plugin's own schema
        // and runs `setup` there: each of those can still fail, and is a load error like here.
        const worker = this.createWorker(slot, checked.candidate, (entries[i] as PluginEntry).config);
        const started = await worker.start();
        if (!started.ok) {
          await worker.dispose();
          this.runtime.forget(slot.id);
          taken.delete(slot.id);
          errors.push(loadError(slot.id, started.phase, started.code, started.message, i, started.hint));
          continue;
        }
        slot.worker = worker;
      } else {
        const setupError = await this.setup(slot);
        if (setupError !== undefined) {
          this.runtime.forget(slot.id);
          taken.delete(slot.id);
          errors.push(thrownLoadError(slot.id, 'setup', 'HOST_SETUP_FAILED', setupError, i));
          continue;
        }
      }
      this.slots.set(slot.id, slot);
      if (slot.onBar !== undefined) this.pipeline.add(slot);
      this.addJobs(slot, checked.candidate);
      const m = slot.manifest;
      loaded.push(Object.freeze({ id: m.id, name: m.name, version: m.version, layer: m.layer, source }));
      this.log.info('plugin loaded', { plugin: m.id, version: m.version, layer: m.layer, source });
    }
    for (const error of errors) {
      this.log.error('plugin failed to load', {
        plugin: error.plugin,
        phase: error.phase,
        message: error.message,
      });
    }
    this.errors.push(...errors);
    return { loaded, errors };
  }

  private createSlot(candidate: LoadCandidate, maxReadingBytes: number): PluginSlot {
    const id = candidate.manifest.id;
    const slot = new PluginSlot({
      plugin: candidate.plugin,
      manifest: candidate.manifest,
      config: candidate.config,
      enabled: candidate.enabled,
      order: this.order++,
      ring: this.pipeline.ring,
      policy: this.policy,
      log: scopeLogger(this.log, { plugin: id }),
      maxReadingBytes,
    });
    slot.ctx = createPluginContext({
      pluginId: id,
      config: candidate.config,
      services: this.services,
      fallbackLogger: this.log,
      signal: () => slot.signal(),
    });
    return slot;
  }

  private createWorker(slot: PluginSlot, candidate: LoadCandidate, rawConfig: unknown): WorkerPlugin {
    const clock = slot.ctx.clock;
    const now = (): number => {
      try {
        return clock.now();
      } catch {
        return Date.now();
      }
    };
    return new WorkerPlugin({
      init: {
        url: resolveSpecifier(candidate.source, this.resolveFrom),
        source: candidate.source,
        pluginId: slot.id,
        config: rawConfig,
        lifecycleTimeoutMs: this.lifecycleTimeoutMs,
      },
      timeoutMs: slot.manifest.budget.timeoutMs,
      memMb: slot.manifest.budget.memMb,
      ctx: slot.ctx,
      now,
      ring: this.pipeline.ring,
      view: slot.view,
      log: slot.log,
      onResetFailed: (message) => this.resetFailed(slot, message),
    });
  }

  private addJobs(slot: PluginSlot, candidate: LoadCandidate): void {
    const schedule = slot.plugin.schedule;
    if (schedule === undefined || schedule.length === 0) return;
    const declared = (candidate.plugin as { budget?: unknown }).budget !== undefined;
    const lifetime = slot.lifetime.signal;
    this.runtime.scheduler.add(
      slot.id,
      schedule,
      ({ signal, scheduledAt }) =>
        createPluginContext({
          pluginId: slot.id,
          config: candidate.config,
          services: this.services,
          fallbackLogger: this.log,
          signal: () => AbortSignal.any([signal, lifetime]),
          // A run sees no bar stamped after its due time, whatever the replay did meanwhile. A
          // replaced `services.market` is the caller's to bound.
          ...(this.services.market === this.market ? { market: this.history.reader(scheduledAt) } : {}),
        }),
      { budget: declared ? slot.manifest.budget : DEFAULT_JOB_BUDGET },
    );
    this.jobPlugins++;
  }

  private async setup(slot: PluginSlot): Promise<ThrownDetail | undefined> {
    const setup = slot.plugin.setup;
    if (setup === undefined) return undefined;
    const failure = await withTimeout(
      () => setup.call(slot.plugin, slot.ctx),
      this.lifecycleTimeoutMs,
      `setup did not finish within ${this.lifecycleTimeoutMs} ms`,
    );
    if (failure === undefined) return undefined;
    // Give a half-initialised plugin the chance to release what it opened.
    slot.lifetime.abort(new HostError('HOST_SETUP_FAILED', `setup of ${slot.id} failed`));
    const plugin = slot.plugin;
    if (plugin.dispose)
      await withTimeout(() => plugin.dispose?.(), this.lifecycleTimeoutMs, 'dispose timed out');
    return failure;
  }

  step(bar: Bar): StepOutcome | Promise<StepOutcome> {
    this.assertLive();
    return this.pipeline.step(bar);
  }

  async replay(
    bars: Iterable<Bar> | AsyncIterable<Bar>,
    options: ReplayOptions = {},
  ): Promise<ReplaySummary> {
    this.assertLive();
    const progressEvery = options.progressEvery ?? 10_000;
    checkPositiveInt('progressEvery', progressEvery);
    if (this.live) {
      throw new HostError('HOST_INVALID_STATE', 'replay() while the live scheduler runs; call stop() first');
    }
    if (options.reset ?? true) {
      await this.pipeline.idle();
      this.reset();
    }
    const runtime = this.runtime;
    runtime.enterReplay();
    const jobs = this.jobPlugins > 0;
    let previousTime = Number.NaN;
    let interval = 0;
    // Jobs due up to a bar's time run (and their events are delivered) before that bar is processed,
    // so a replay is deterministic: @close of a session fires when the data crosses the close.
    // Earliest time any job is due; bars before it skip the scheduler entirely (the hot path).
    let nextDue = Number.NEGATIVE_INFINITY;
    const sessions = this.sessions;
    // Jobs and the market_open / market_close instants, in one time order. `calendarOnly` leaves
    // out periodic jobs (`every …`, `@idle`): a replay steps through calendar instants one by one,
    // while periodic runs missed inside a gap between bars coalesce into one at the bar.
    const soonest = (calendarOnly = false): number => {
      let next = sessions.edge;
      for (const run of runtime.scheduler.nextRuns()) {
        if (calendarOnly && isPeriodicKind(run.kind)) continue;
        if (run.nextAt !== null && run.nextAt < next) next = run.nextAt;
      }
      return next;
    };
    // A market_open / market_close due by `time` is delivered before jobs due at the same instant run.
    const crossSessions = async (time: number): Promise<void> => {
      if (!(sessions.edge <= time) && sessions.edge !== Number.NEGATIVE_INFINITY) return;
      sessions.cross(time);
      if (runtime.bus.stats().queued > 0) await this.idle();
    };
    // Events not yet delivered, or `on:<type>` runs they started (delivery may already have
    // happened during an async onBar), settle before the next bar.
    const unsettled = (): boolean => runtime.bus.stats().queued > 0 || runtime.scheduler.busy();
    // Synchronous check, so bars with nothing due cost no promise and no await.
    const needsAdvance = (time: number): boolean =>
      !(time < nextDue) || runtime.scheduler.time() === undefined || unsettled();
    const advance = async (time: number): Promise<void> => {
      const scheduler = runtime.scheduler;
      const current = scheduler.time();
      if (current !== undefined && time <= current) return;
      if (current !== undefined && time < nextDue) {
        runtime.advanceReplayTime(time);
        // Events published by plugins on the previous bar reach `on:` jobs (and those runs finish)
        // before this bar.
        if (unsettled()) await this.idle();
        return;
      }
      if (current === undefined) {
        // The first bar starts the schedule: nothing is due before the data begins.
        runtime.advanceReplayTime(time);
        await crossSessions(time);
        await scheduler.advanceTo(time);
        await this.idle();
        nextDue = soonest();
        return;
      }
      // Events of earlier bars reach their handlers before anything due later runs.
      if (unsettled()) await this.idle();
      // Step through each calendar due time so a job's ctx.clock reads its own due time, not the
      // bar's: @open / @close / cron run once per occurrence even when bars skip sessions. Periodic
      // jobs wait for the bar, and run once for the whole gap (the contract's "missed runs coalesce").
      for (;;) {
        const next = soonest(true);
        const from = scheduler.time();
        if (!(next < time) || (from !== undefined && next <= from)) break;
        runtime.advanceReplayTime(next);
        await crossSessions(next);
        await scheduler.advanceTo(next, { deferPeriodic: true });
        await this.idle();
      }
      runtime.advanceReplayTime(time);
      await crossSessions(time);
      await scheduler.advanceTo(time);
      await this.idle();
      nextDue = soonest();
    };
    const started = performance.now();
    let processed = 0;
    let accepted = 0;
    let rejected = 0;
    // The last accepted bar, not its time: a number kept in this closure would be boxed afresh on
    // every bar (the progress report reads the time off the bar).
    let lastBar: Bar | undefined;
    let aborted = false;
    const progress = (done: boolean): void => {
      options.onProgress?.({
        processed,
        accepted,
        rejected,
        lastTime: lastBar === undefined ? Number.NaN : lastBar.time,
        elapsedMs: performance.now() - started,
        done,
      });
    };
    const handle = (out: StepOutcome): void => {
      processed++;
      if (out.kind === 'step') {
        accepted++;
        lastBar = out.bar;
        options.onStep?.(out);
      } else {
        rejected++;
        options.onRejected?.(out);
      }
      if (processed % progressEvery === 0) progress(false);
    };
    try {
      // Moves bar time forward; a promise only when scheduled jobs are due, so most bars never await.
      const moveClock = (bar: Bar): Promise<void> | undefined => {
        if (!jobs) {
          // Without jobs only the plugins' replay clock moves, and it only ever moves forward: no
          // per-bar state of our own (a time kept in this closure would be boxed on every bar).
          const time = (bar as { time?: unknown } | null)?.time;
          if (typeof time === 'number' && time - time === 0 && time >= 0) {
            // Open and close instants up to this bar are published (stamped with their own time) first.
            if (!(time < sessions.edge)) sessions.cross(time);
            runtime.advanceReplayTime(time);
          }
          return undefined;
        }
        if (!isNewTime(bar, previousTime)) return undefined;
        if (!Number.isNaN(previousTime)) interval = bar.time - previousTime;
        previousTime = bar.time;
        if (jobs && needsAdvance(bar.time)) return advance(bar.time);
        runtime.advanceReplayTime(bar.time);
        return undefined;
      };
      const signal = options.signal;
      if (Symbol.asyncIterator in bars) {
        for await (const bar of bars as AsyncIterable<Bar>) {
          if (signal?.aborted) {
            aborted = true;
            break;
          }
          const moving = moveClock(bar);
          if (moving !== undefined) await moving;
          const out = this.pipeline.step(bar);
          handle(out instanceof Promise ? await out : out);
        }
      } else {
        // A sync source would otherwise hold the event loop for the whole replay: timers (async
        // plugin timeouts), I/O and abort signals get a turn every few thousand bars.
        let sinceYield = 0;
        for (const bar of bars as Iterable<Bar>) {
          if (signal?.aborted) {
            aborted = true;
            break;
          }
          const moving = moveClock(bar);
          if (moving !== undefined) await moving;
          const out = this.pipeline.step(bar);
          handle(out instanceof Promise ? await out : out);
          if (++sinceYield === 4096) {
            sinceYield = 0;
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        }
      }
      // Bars are stamped with their start: the last bar's interval still runs to its end, so jobs due
      // by then (the final session's @close) fire before the replay reports done.
      if (jobs && !aborted && !Number.isNaN(previousTime)) await advance(previousTime + interval);
      else if (!jobs && !aborted && lastBar !== undefined) sessions.cross(this.endOfData());
      await this.idle();
    } finally {
      runtime.leaveReplay();
    }
    progress(true);
    return {
      processed,
      accepted,
      rejected: this.pipeline.rejected(),
      durationMs: performance.now() - started,
      aborted,
    };
  }

  /** The end of the newest accepted bar's interval (its time plus the gap since the bar before). */
  private endOfData(): number {
    const ring = this.pipeline.ring;
    const last = ring.time[ring.start(1)] as number;
    return ring.count < 2 ? last : last + (last - (ring.time[ring.start(2)] as number));
  }

  reset(): void {
    this.assertLive();
    this.pipeline.reset();
    this.sessions.reset();
    if (this.live) this.sessions.startLive(this.runtime.clock);
    this.runtime.scheduler.reset();
    this.runtime.replayTime = 0;
    for (const slot of this.slots.values()) {
      if (!slot.enabled) continue;
      this.resetPlugin(slot);
    }
  }

  private resetPlugin(slot: PluginSlot): void {
    if (slot.worker !== null) {
      slot.worker.reset();
      return;
    }
    const reset = slot.plugin.reset;
    if (reset === undefined) return;
    try {
      reset.call(slot.plugin);
    } catch (error) {
      this.resetFailed(slot, `reset() threw: ${describeThrown(error)}`);
    }
  }

  private resetFailed(slot: PluginSlot, message: string): void {
    slot.errors++;
    slot.lastError = Object.freeze({ kind: 'ERROR', message, index: -1 });
    slot.log.error('plugin reset failed', { error: message });
  }

  enable(id: string): void {
    const slot = this.slot(id);
    if (slot.enabled) return;
    slot.rewind();
    this.resetPlugin(slot);
    slot.enabled = true;
  }

  disable(id: string): void {
    this.slot(id).enabled = false;
  }

  plugins(): PluginInfo[] {
    return [...this.slots.values()].map((slot) => slot.info());
  }

  onBarTime(listener: BarTimeListener): () => void {
    return this.pipeline.onBarTime(listener);
  }

  marketStats(): MarketHistoryStats {
    return this.history.stats();
  }

  runs(filter?: RunFilter): RunRecord[] {
    return this.runtime.scheduler.runs(filter);
  }

  nextRuns(): NextRun[] {
    return this.runtime.scheduler.nextRuns();
  }

  runJob(plugin: string, job: string): Promise<RunRecord> {
    this.assertLive();
    return this.runtime.scheduler.runNow(plugin, job);
  }

  onRun(listener: (record: RunRecord) => void): () => void {
    const listeners = this.runtime.runListeners;
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }

  describe(id: string): PanelView | undefined {
    const slot = this.slot(id);
    const describe = slot.plugin.describe;
    if (describe === undefined) return undefined;
    return evaluatePanel(() => describe.call(slot.plugin, slot.ctx));
  }

  start(): void {
    this.assertLive();
    if (this.live) return;
    this.live = true;
    this.runtime.leaveReplay();
    this.runtime.scheduler.start();
    this.sessions.startLive(this.runtime.clock);
  }

  stop(): void {
    if (!this.live) return;
    this.live = false;
    this.runtime.scheduler.stop();
    this.sessions.stopLive();
  }

  async idle(): Promise<void> {
    // A job can publish an event whose handler calls RPC that publishes again, and delivering an
    // event starts the `on:<type>` jobs it triggers: settle until the pipeline, the scheduler and
    // the bus are all quiet at once, not only the bus after one pass.
    const { scheduler, bus } = this.runtime;
    for (let round = 0; round < MAX_IDLE_ROUNDS; round++) {
      await this.pipeline.idle();
      await scheduler.idle();
      await bus.idle();
      if (!this.pipeline.busy && !scheduler.busy() && bus.stats().queued === 0) return;
    }
    // Two plugins whose jobs trigger each other forever never settle: say so instead of hanging.
    this.log.warn('host.idle() gave up waiting: jobs and events kept triggering each other', {
      rounds: MAX_IDLE_ROUNDS,
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.stop();
    await this.loading;
    await this.pipeline.idle();
    await this.runtime.scheduler.idle();
    const slots = [...this.slots.values()].reverse();
    for (const slot of slots) {
      const reason = new HostError('HOST_DISPOSED', `host disposed; unloading ${slot.id}`);
      slot.callController?.abort(reason);
      slot.lifetime.abort(reason);
      if (slot.worker !== null) {
        await slot.worker.dispose();
        continue;
      }
      const plugin = slot.plugin;
      if (plugin.dispose === undefined) continue;
      const failure = await withTimeout(
        () => plugin.dispose?.(),
        this.lifecycleTimeoutMs,
        'dispose timed out',
      );
      if (failure !== undefined) slot.log.error('plugin dispose failed', { error: failure.message });
    }
    for (const slot of slots) this.runtime.forget(slot.id);
    await this.runtime.dispose();
  }

  private slot(id: string): PluginSlot {
    this.assertLive();
    const slot = this.slots.get(id);
    if (slot === undefined) {
      throw new HostError('HOST_UNKNOWN_PLUGIN', `no plugin with id ${JSON.stringify(id)} is loaded`, {
        field: 'id',
        value: id,
      });
    }
    return slot;
  }

  private assertLive(): void {
    if (this.disposed) throw new HostError('HOST_DISPOSED', 'the host has been disposed');
  }
}

/** Rounds of pipeline → scheduler → bus settling `idle()` waits through before it gives up. */
const MAX_IDLE_ROUNDS = 1000;

/**
 * Runs a lifecycle hook; resolves to what failed (message, and a thrown `KeelError`'s code and
 * hint), or undefined when it succeeded in time.
 */
async function withTimeout(
  fn: () => unknown,
  timeoutMs: number,
  timeoutMessage: string,
): Promise<ThrownDetail | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const work = Promise.resolve().then(fn);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HostError('HOST_TIMEOUT', timeoutMessage)), timeoutMs);
    });
    await Promise.race([work, timeout]);
    return undefined;
  } catch (error) {
    return thrownDetail(error, describeThrown(error));
  } finally {
    clearTimeout(timer);
  }
}

function parseMarketOptions(input: unknown): MarketOptions {
  const parsed = MarketOptionsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data as MarketOptions;
  const issue = parsed.error.issues[0];
  const path = ['market', ...(issue?.path ?? [])].join('.');
  throw new HostError('HOST_INVALID_OPTION', `${path}: ${issue?.message ?? 'invalid'}`, {
    field: path,
    hint: 'market takes { history?: integer >= 2, maxSymbols?: integer >= 1, barEvents?: boolean }',
  });
}

/** The `bar` event's data: the bar as plain JSON. */
function barEventData(bar: Bar): JsonBar {
  const data: JsonBar = {
    time: bar.time,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
  };
  if (bar.symbol !== undefined) data.symbol = bar.symbol;
  if (bar.aux !== undefined) data.aux = { ...bar.aux };
  return data;
}

interface JsonBar {
  [key: string]: number | string | Record<string, number>;
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

function invalidHook(field: string): HostError {
  return new HostError('HOST_INVALID_OPTION', `${field} must be a function returning milliseconds`, {
    field,
    hint: `pass ${field}: () => number, or leave it out for the default`,
  });
}

function checkPositiveInt(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new HostError('HOST_INVALID_OPTION', `${field} must be a positive integer (got ${String(value)})`, {
      field,
      value,
    });
  }
}

/** A bar whose time moves the replay clock forward (invalid or repeated times are left to validation). */
function isNewTime(bar: Bar, previous: number): boolean {
  const t = (bar as { time?: unknown } | null)?.time;
  return typeof t === 'number' && Number.isFinite(t) && t >= 0 && !(t <= previous);
}
