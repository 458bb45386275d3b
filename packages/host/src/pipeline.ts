import {
  type Bar,
  type BarRejectReason,
  formatValue,
  type Logger,
  type OnBarArgs,
  type SensorReading,
  type SensorRow,
  type StepError,
  type StepResult,
  validateBar,
} from '@keel/contract';
import { describeThrown, HostError } from './errors.js';
import type { FailureKind, PluginSlot } from './plugin-slot.js';
import {
  DISABLED_READING,
  errorReading,
  overrunReading,
  QUARANTINED_READING,
  sanitizeReading,
  TIMEOUT_READING,
  WARMUP_READING,
} from './readings.js';
import { BarRing } from './ring-window.js';
import { type RecordBuilder, recordBuilder } from './record-builder.js';
import { immutableBar } from './immutable-bar.js';
import { type BarCursor, createBarCursor, createLiveStep, type LiveStep } from './live-views.js';
import type { MarketHistory } from './market-history.js';
import type { WorkerPlugin } from './worker-plugin.js';

/** Why the host refused a bar: the contract's reasons plus time going backwards or standing still. */
export type RejectReason = BarRejectReason | 'time_not_increasing';

/** A step result as the host returns it: the contract's `StepResult` plus the run's rejected-bar count. */
export interface HostStepResult extends StepResult {
  readonly kind: 'step';
  /** Bars rejected so far in this run (since the last reset). */
  readonly rejectedBars: number;
}

/** What `step` returns for a bar that failed validation. Plugins never saw it. */
export interface RejectedBar {
  readonly kind: 'rejected';
  readonly reason: RejectReason;
  readonly field: string;
  /** The offending value, rendered (the raw value may be a NaN or a BigInt a serializer would choke on). */
  readonly value: string;
  readonly message: string;
  /** The index the next accepted bar will get. */
  readonly index: number;
  readonly rejectedBars: number;
}

export type StepOutcome = HostStepResult | RejectedBar;

export interface RejectedBarCounts {
  readonly total: number;
  readonly byReason: Readonly<Record<RejectReason, number>>;
}

/** Called with each accepted bar's time before plugins run (the scheduler's replay clock). */
export type BarTimeListener = (time: number, index: number) => void;

/** A monotonic millisecond clock (`performance` by default). */
export interface MonotonicClock {
  now(): number;
}

export interface PipelineOptions {
  readonly log: Logger;
  /** Times calls against `budget.timeoutMs` and `timing.totalMs` (default `performance`). */
  readonly clock?: MonotonicClock | undefined;
  /** Process CPU time in ms (default from `process.cpuUsage()`), read only for `budget.cpuMs`. */
  readonly cpuTime?: (() => number) | undefined;
  /** Record one sync call's duration in this many in the histogram (every call is timed against its budget). */
  readonly timingSampleEvery: number;
  readonly guardWindows: boolean;
  /** Per-series bar history behind `ctx.market`; every accepted bar is written into it. */
  readonly history: MarketHistory;
  /** Called with every accepted bar before plugins run (the `bar` event), when bar events are on. */
  readonly onAccepted?: ((bar: Bar) => void) | undefined;
}

interface LayerGroup {
  readonly start: number;
  readonly end: number;
}

/**
 * The run order, replaced as a whole when a plugin is added, so a step captures one consistent
 * plan (a load finishing mid-step cannot shift indices under an in-flight async layer).
 */
interface RunPlan {
  readonly slots: readonly PluginSlot[];
  readonly groups: readonly LayerGroup[];
  /** One placeholder row per slot: copied per bar so `sensors` is born packed at its final length. */
  readonly rows: readonly SensorRow[];
  /** One placeholder reading per slot: copied per bar, filled by position. */
  readonly readings: readonly SensorReading[];
  /** Builds the `plugins` record of the readings before slot `end` (the whole step at `slots.length`). */
  readonly record: RecordBuilder;
}

// Per-bar working state. Allocated once per step; the plan is captured so a load finishing
// mid-step cannot shift indices under an in-flight async layer. A plugin's row and reading are
// written straight into `sensors[i]` / `readings[i]`; nobody sees either before its layer commits.
interface StepState {
  /** The host's frozen copy of the caller's bar: what plugins and the result see. */
  readonly bar: Bar;
  readonly index: number;
  readonly t0: number;
  /**
   * The clock reading that ended the previous synchronous call (or began the layer): the start of
   * the next call, so timing every call against its budget costs one clock read a call.
   */
  mark: number;
  readonly plan: RunPlan;
  /** Whether the running layer's readings are exposed to a later layer (and therefore frozen). */
  exposed: boolean;
  readonly sensors: SensorRow[];
  /** Readings by slot position: an array store per call, the `plugins` record is built once at the end. */
  readonly readings: SensorReading[];
  errors: StepError[] | null;
  /** Errors by slot position until their layer commits, so the order never depends on which promise settled first. */
  slotErrors: Array<StepError | undefined> | null;
}

// `globalThis.performance` is an accessor in Node: reading it costs about as much again as the
// `now()` call, so the pipeline keeps the object itself.
const performanceClock: MonotonicClock = performance;
const processCpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

const EMPTY_ROWS: readonly SensorRow[] = Object.freeze([]);
const EMPTY_PLUGINS: Readonly<Record<string, SensorReading>> = Object.freeze({});
const NO_ERRORS: readonly StepError[] = Object.freeze([]);
const REASONS: readonly RejectReason[] = [
  'non_finite',
  'ohlc_inconsistent',
  'negative_volume',
  'bad_time',
  'time_not_increasing',
];

/**
 * The per-bar pipeline: bar validation, the shared ring, layer-ordered plugin calls with
 * host-made readings, failure tracking and quarantine. Stays synchronous unless a plugin returns
 * a thenable; then only the layer holding it is awaited (its async calls run together) before the
 * next layer starts, so order and visibility are the same either way.
 */
export class Pipeline {
  readonly ring = new BarRing(2);
  private readonly current: BarCursor = createBarCursor();
  /** One live partial step per layer group, re-pointed at each bar. */
  private liveSteps: LiveStep[] = [];
  private plan: RunPlan = { slots: [], groups: [], rows: [], readings: [], record: recordBuilder([]) };
  private readonly options: PipelineOptions;
  private readonly barTimeListeners: BarTimeListener[] = [];
  private index = 0;
  private lastTime = Number.NEGATIVE_INFINITY;
  private rejectedTotal = 0;
  private readonly rejectedBy: Record<RejectReason, number> = zeroCounts();
  /** Steps accepted by `step()` and not finished (in flight or queued behind one). */
  private outstanding = 0;
  private tail: Promise<unknown> = Promise.resolve();

  // Read on every call: kept as own fields rather than loaded through `options` each time.
  private readonly sampleEvery: number;
  private readonly guardWindows: boolean;
  private readonly history: MarketHistory;
  private readonly onAccepted: ((bar: Bar) => void) | undefined;
  private readonly clock: MonotonicClock;
  private readonly cpuTime: () => number;
  private readonly argGetters: PropertyDescriptorMap;

  constructor(options: PipelineOptions) {
    this.options = options;
    this.clock = options.clock ?? performanceClock;
    this.cpuTime = options.cpuTime ?? processCpuMs;
    const current = this.current;
    this.argGetters = {
      bar: { enumerable: true, get: () => current.bar },
      // A getter so that a call which never reads it allocates no controller.
      signal: { enumerable: true, get: signalOfArgs },
    };
    this.sampleEvery = options.timingSampleEvery;
    this.guardWindows = options.guardWindows;
    this.history = options.history;
    this.onAccepted = options.onAccepted;
  }

  get busy(): boolean {
    return this.outstanding > 0;
  }

  /** Resolves once no step is in flight. */
  idle(): Promise<void> {
    return this.tail.then(
      () => undefined,
      () => undefined,
    );
  }

  list(): readonly PluginSlot[] {
    return this.plan.slots;
  }

  add(slot: PluginSlot): void {
    this.ring.ensureCapacity(slot.manifest.window);
    this.history.fit(slot.manifest.window);
    const slots = [...this.plan.slots, slot].sort((a, b) => a.rank - b.rank || a.order - b.order);
    const groups: LayerGroup[] = [];
    for (let i = 0; i < slots.length; ) {
      let j = i + 1;
      while (j < slots.length && (slots[j] as PluginSlot).rank === (slots[i] as PluginSlot).rank) j++;
      groups.push({ start: i, end: j });
      i = j;
    }
    this.plan = {
      slots,
      groups,
      rows: slots.map((s) => s.rowWarmup),
      readings: slots.map(() => WARMUP_READING),
      record: recordBuilder(slots.map((s) => s.id)),
    };
    while (this.liveSteps.length < groups.length) this.liveSteps.push(createLiveStep(this.current));
    // The getters are shared by every slot's argument object, so all of them have one hidden class
    // and a plugin's `args.bar` / `args.window` loads stay monomorphic (a getter closure per slot
    // gave each object its own map: 8 plugins made those loads megamorphic).
    const descriptors = this.argGetters;
    groups.forEach((group, g) => {
      const step = (this.liveSteps[g] as LiveStep).step;
      for (let i = group.start; i < group.end; i++) {
        const s = slots[i] as PluginSlot;
        const args = Object.freeze(
          Object.defineProperties({ window: s.view, step, config: s.config, ctx: s.ctx }, descriptors),
        ) as unknown as OnBarArgs;
        argSlots.set(args, s);
        s.args = args;
      }
    });
  }

  onBarTime(listener: BarTimeListener): () => void {
    this.barTimeListeners.push(listener);
    return () => {
      const at = this.barTimeListeners.indexOf(listener);
      if (at >= 0) this.barTimeListeners.splice(at, 1);
    };
  }

  rejected(): RejectedBarCounts {
    return { total: this.rejectedTotal, byReason: { ...this.rejectedBy } };
  }

  /** Clears the window, the bar index, the time check and rejected counts; rewinds every plugin. */
  reset(): void {
    if (this.busy)
      throw new HostError('HOST_BUSY', 'reset() called while a step is still running; await it first');
    this.ring.clear();
    this.history.clear();
    this.index = 0;
    this.lastTime = Number.NEGATIVE_INFINITY;
    this.rejectedTotal = 0;
    for (const r of REASONS) this.rejectedBy[r] = 0;
    for (const slot of this.plan.slots) slot.rewind();
  }

  step(bar: Bar): StepOutcome | Promise<StepOutcome> {
    if (this.outstanding === 0) {
      const out = this.run(bar);
      if (!(out instanceof Promise)) return out;
      return this.track(out);
    }
    // Another step is awaiting an async plugin: this bar must not enter the ring before it ends.
    return this.track(this.tail.then(() => this.run(bar)));
  }

  private track(promise: Promise<StepOutcome>): Promise<StepOutcome> {
    this.outstanding++;
    // Decrement inside the chain the caller awaits, so a caller resuming after `await` sees an
    // idle pipeline and its next step can be synchronous again.
    const done = promise.then(
      (value) => {
        this.outstanding--;
        return value;
      },
      (error: unknown) => {
        this.outstanding--;
        throw error;
      },
    );
    this.tail = done.catch(() => undefined);
    return done;
  }

  private run(input: Bar): StepOutcome | Promise<StepOutcome> {
    // Copy first (a bar that already is the host's immutable copy, e.g. from `readCsvBars`, passes as
    // it is), then validate the copy: every field is read once, so what was checked is exactly what
    // plugins see. `validateBar` stays the authority; `isCleanBar` only skips it for
    // bars it would certainly accept.
    const t0 = this.clock.now();
    const bar = input !== null && typeof input === 'object' ? immutableBar(input) : input;
    if (!isCleanBar(bar)) {
      const check = validateBar(bar);
      if (!check.ok) return this.reject(check.reason, check.field, check.value, check.message);
    }
    // Time never goes back; bars of different symbols may share one (the time of a symbol's own
    // series must still increase, which only needs checking when the time repeats).
    if (bar.time <= this.lastTime && (bar.time < this.lastTime || !this.history.isNewForSeries(bar))) {
      return this.reject(
        'time_not_increasing',
        'time',
        bar.time,
        bar.time < this.lastTime
          ? `time ${bar.time} is before the previous bar's ${this.lastTime}`
          : `time ${bar.time} repeats the previous ${bar.symbol ?? 'unnamed'} bar's`,
      );
    }
    this.lastTime = bar.time;
    this.current.bar = bar;
    this.ring.push(bar);
    this.history.push(bar);
    if (this.onAccepted !== undefined) this.onAccepted(bar);
    const index = this.index++;
    if (this.barTimeListeners.length > 0) this.tellBarTime(bar.time, index);
    const plan = this.plan;
    const state: StepState = {
      bar,
      index,
      t0,
      mark: t0,
      plan,
      exposed: false,
      sensors: plan.rows.slice(),
      readings: plan.readings.slice(),
      errors: null,
      slotErrors: null,
    };
    return this.runLayers(state, 0);
  }

  private tellBarTime(time: number, index: number): void {
    const listeners = this.barTimeListeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        (listeners[i] as BarTimeListener)(time, index);
      } catch (error) {
        this.options.log.error('bar-time listener threw', { error: describeThrown(error) });
      }
    }
  }

  private runLayers(s: StepState, from: number): HostStepResult | Promise<HostStepResult> {
    const { groups, slots } = s.plan;
    for (let g = from; g < groups.length; g++) {
      const group = groups[g] as LayerGroup;
      s.exposed = g < groups.length - 1;
      const live = this.liveSteps[g] as LiveStep;
      if (g === 0) live.set(s.index, EMPTY_ROWS, EMPTY_PLUGINS);
      else exposeEarlier(live, s, group.start);
      let pending: Promise<void>[] | null = null;
      for (let i = group.start; i < group.end; i++) {
        const wait = this.runSlot(slots[i] as PluginSlot, i, s);
        if (wait !== undefined) {
          pending ??= [];
          pending.push(wait);
        }
      }
      if (pending !== null) return this.awaitLayer(s, group, g, pending);
      this.commit(s, group);
    }
    return this.finish(s);
  }

  /** A layer holding async calls: commits once they all settled, then runs the next layers. */
  private awaitLayer(
    s: StepState,
    group: LayerGroup,
    g: number,
    pending: Promise<void>[],
  ): Promise<HostStepResult> {
    return Promise.all(pending).then(() => {
      s.mark = this.clock.now();
      this.commit(s, group);
      return this.runLayers(s, g + 1);
    });
  }

  // Kept small so the compiler inlines it into the layer loop: a plugin that is on, warmed up, not
  // benched and in this thread goes straight to its call; everything else takes `runSpecial`.
  private runSlot(slot: PluginSlot, i: number, s: StepState): Promise<void> | undefined {
    if (
      slot.enabled &&
      ++slot.seen >= slot.warmup &&
      slot.onBar !== undefined &&
      !slot.tracker.quarantined &&
      slot.worker === null
    )
      return this.callSlot(slot, i, s);
    return this.runSpecial(slot, i, s);
  }

  /** A disabled, warming, quarantined or worker plugin (`seen` already counts this bar when enabled). */
  private runSpecial(slot: PluginSlot, i: number, s: StepState): Promise<void> | undefined {
    if (!slot.enabled) {
      s.sensors[i] = slot.rowDisabled;
      s.readings[i] = DISABLED_READING;
      return undefined;
    }
    if (slot.seen < slot.warmup || slot.onBar === undefined) {
      s.sensors[i] = slot.rowWarmup;
      s.readings[i] = WARMUP_READING;
      return undefined;
    }
    if (slot.tracker.quarantined && !slot.tracker.admit()) {
      s.sensors[i] = slot.rowQuarantined;
      s.readings[i] = QUARANTINED_READING;
      addError(
        s,
        i,
        Object.freeze({ plugin: slot.id, kind: 'QUARANTINED', message: quarantineMessage(slot) }),
      );
      return undefined;
    }
    if (slot.worker !== null) return this.runWorker(slot, i, s);
    return this.callSlot(slot, i, s);
  }

  /**
   * One in-process `onBar` call: synchronous unless the plugin returns a thenable. Every
   * synchronous call is timed against `budget.timeoutMs` (one clock read: the previous call's end
   * is this one's start); only one in `timingSampleEvery` enters the duration histogram.
   */
  private callSlot(slot: PluginSlot, i: number, s: StepState): Promise<void> | undefined {
    slot.calls++;
    const start = s.mark;
    const cpu0 = slot.cpuWatch ? this.cpuTime() : 0;
    let out: unknown;
    slot.inCall = true;
    try {
      out = (slot.onBar as NonNullable<PluginSlot['onBar']>).call(slot.plugin, slot.args);
      if (out !== null && typeof out === 'object' && typeof (out as { then?: unknown }).then === 'function')
        return this.goAsync(slot, i, s, out as PromiseLike<unknown>, start);
    } catch (error) {
      s.mark = this.clock.now();
      this.thrown(slot, i, s, error);
      return undefined;
    }
    slot.inCall = false;
    slot.callController = null;
    const end = this.clock.now();
    s.mark = end;
    const took = end - start;
    if (slot.untilSample-- <= 0) {
      slot.untilSample = this.sampleEvery - 1;
      slot.histogram.record(took);
    }
    if (took > slot.timeoutMs || took > slot.cpuMs) {
      this.overBudget(slot, i, s, out, took, cpu0);
      return undefined;
    }
    this.accept(slot, i, s, out);
    return undefined;
  }

  // Out of line: a synchronous call that ran past its wall-clock or CPU budget. Its reading is
  // dropped (a sync call cannot be interrupted, but what it computed late is not published).
  private overBudget(
    slot: PluginSlot,
    i: number,
    s: StepState,
    out: unknown,
    took: number,
    cpu0: number,
  ): void {
    if (took > slot.timeoutMs) {
      if (this.guardWindows) this.afterCall(slot);
      const overran = Math.max(1, Math.ceil(took - slot.timeoutMs));
      this.fail(
        slot,
        i,
        s,
        'TIMEOUT',
        `onBar took ${Math.ceil(took)} ms, over budget.timeoutMs ${slot.timeoutMs}; its reading was dropped`,
        overrunReading(overran),
      );
      return;
    }
    // Over `cpuMs` in wall time: the thread's CPU time is at most the wall time and at most the
    // process's (which also counts other threads), so the smaller of the two is what is charged.
    if (slot.cpuWatch) {
      const used = Math.min(took, this.cpuTime() - cpu0);
      if (used > slot.cpuMs) {
        if (this.guardWindows) this.afterCall(slot);
        this.fail(
          slot,
          i,
          s,
          'ERROR',
          `budget: onBar used ${Math.ceil(used)} ms of CPU, over budget.cpuMs ${slot.cpuMs}`,
        );
        return;
      }
    } else slot.cpuWatch = true;
    this.accept(slot, i, s, out);
  }

  private goAsync(
    slot: PluginSlot,
    i: number,
    s: StepState,
    thenable: PromiseLike<unknown>,
    t0: number,
  ): Promise<void> {
    // The next call in the layer starts its own budget here.
    s.mark = this.clock.now();
    // Check the window now, before the next plugin reads it: an async plugin that wrote into it
    // must be the one blamed, not whoever runs next in the layer.
    if (this.guardWindows) slot.pendingWindowDamage = this.afterCall(slot);
    return this.settle(slot, i, s, thenable, t0);
  }

  private thrown(slot: PluginSlot, i: number, s: StepState, error: unknown): void {
    slot.inCall = false;
    slot.callController = null;
    this.afterCall(slot);
    this.fail(slot, i, s, 'ERROR', describeThrown(error));
  }

  // The async path: a per-call timer races the plugin's promise; whichever settles first decides
  // the reading, and a late result is dropped. The promise returned never rejects.
  private settle(
    slot: PluginSlot,
    i: number,
    s: StepState,
    thenable: PromiseLike<unknown>,
    t0: number,
  ): Promise<void> {
    slot.callController ??= new AbortController();
    const controller = slot.callController;
    const timeoutMs = slot.timeoutMs;
    return new Promise<void>((resolve) => {
      let done = false;
      const finish = (): void => {
        done = true;
        if (slot.callController === controller) {
          slot.inCall = false;
          slot.callController = null;
        }
        slot.histogram.record(this.clock.now() - t0);
      };
      const timer = setTimeout(() => {
        if (done) return;
        finish();
        // The call fails as TIMEOUT either way; a window write found earlier must not carry over.
        slot.pendingWindowDamage = undefined;
        controller.abort(
          new HostError('HOST_TIMEOUT', `onBar of ${slot.id} exceeded budget.timeoutMs ${timeoutMs}`, {
            field: 'budget.timeoutMs',
            value: timeoutMs,
          }),
        );
        this.fail(slot, i, s, 'TIMEOUT', `onBar exceeded budget.timeoutMs ${timeoutMs}`);
        resolve();
      }, timeoutMs);
      // `new Promise(r => r(x))` adopts the thenable without calling `Promise.resolve`, whose
      // `constructor` lookup a hostile promise can make throw synchronously; any throw while adopting
      // it becomes a rejection handled below, so this promise still never rejects.
      new Promise<unknown>((adopt) => adopt(thenable)).then(
        (value) => {
          if (done) return;
          clearTimeout(timer);
          finish();
          this.accept(slot, i, s, value);
          resolve();
        },
        (error: unknown) => {
          if (done) return;
          clearTimeout(timer);
          finish();
          const damaged = this.takeWindowDamage(slot);
          this.fail(
            slot,
            i,
            s,
            'ERROR',
            damaged === undefined
              ? describeThrown(error)
              : `wrote into window.${damaged}.values(); the window was restored`,
          );
          resolve();
        },
      );
    });
  }

  // A worker plugin's call: one round trip to its thread, which enforces the budget itself (by
  // terminating the thread) and never rejects. The reading goes through the same `accept` as an
  // in-process one.
  private runWorker(slot: PluginSlot, i: number, s: StepState): Promise<void> {
    slot.calls++;
    const group = s.plan.groups.find((g) => i >= g.start && i < g.end) as LayerGroup;
    const live = (this.liveSteps[s.plan.groups.indexOf(group)] as LiveStep).step;
    const call = (slot.worker as WorkerPlugin).call({
      bar: s.bar,
      index: s.index,
      sensors: live.sensors,
      plugins: live.plugins,
    });
    return call.then((outcome) => {
      slot.histogram.record(outcome.durationMs);
      if (outcome.kind === 'reading') this.accept(slot, i, s, outcome.value);
      else this.fail(slot, i, s, outcome.kind, outcome.message);
    });
  }

  private accept(slot: PluginSlot, i: number, s: StepState, out: unknown): void {
    // Window damage is only ever recorded with `guardWindows`.
    if (this.guardWindows) {
      const damaged = this.takeWindowDamage(slot);
      if (damaged !== undefined) {
        this.fail(slot, i, s, 'ERROR', `wrote into window.${damaged}.values(); the window was restored`);
        return;
      }
    }
    let result: SensorReading | string;
    try {
      result = sanitizeReading(out, s.exposed, slot.maxReadingBytes);
    } catch (error) {
      this.fail(slot, i, s, 'CONTRACT', `contract: reading could not be read: ${describeThrown(error)}`);
      return;
    }
    if (typeof result === 'string') {
      this.fail(slot, i, s, 'CONTRACT', `contract: ${result}`);
      return;
    }
    if (slot.tracker.consecutive !== 0) slot.tracker.succeed();
    s.sensors[i] = slot.row(result, s.exposed);
    s.readings[i] = result;
  }

  /** The window damage of this call: found when its async part began, or now. */
  private takeWindowDamage(slot: PluginSlot): string | undefined {
    const early = slot.pendingWindowDamage;
    slot.pendingWindowDamage = undefined;
    return early ?? this.afterCall(slot);
  }

  /** With `guardWindows`, checks that the call left the shared window untouched (and repairs it). */
  private afterCall(slot: PluginSlot): string | undefined {
    return this.guardWindows ? this.ring.repairWindow(slot.view.length) : undefined;
  }

  private fail(
    slot: PluginSlot,
    i: number,
    s: StepState,
    kind: FailureKind,
    message: string,
    reading?: SensorReading,
  ): void {
    if (kind === 'TIMEOUT') slot.timeouts++;
    else slot.errors++;
    slot.lastError = Object.freeze({ kind, message, index: s.index });
    if (reading !== undefined) {
      s.sensors[i] = slot.row(reading, s.exposed);
      s.readings[i] = reading;
    } else if (kind === 'TIMEOUT') {
      s.sensors[i] = slot.rowTimeout;
      s.readings[i] = TIMEOUT_READING;
    } else {
      const reading = errorReading(message);
      s.sensors[i] = slot.row(reading, s.exposed);
      s.readings[i] = reading;
    }
    addError(s, i, Object.freeze({ plugin: slot.id, kind, message }));
    if (slot.tracker.fail()) {
      slot.quarantines++;
      slot.log.warn('plugin quarantined', {
        failures: slot.tracker.consecutive,
        retryInBars: slot.tracker.remaining,
        lastError: message,
      });
    }
  }

  // Finishes a layer: its errors join the step's in slot order (rows and readings are already in
  // place, frozen if a later layer will see them).
  private commit(s: StepState, group: LayerGroup): void {
    const slotErrors = s.slotErrors;
    if (slotErrors === null) return;
    for (let i = group.start; i < group.end; i++) {
      const error = slotErrors[i];
      if (error !== undefined) {
        s.errors ??= [];
        s.errors.push(error);
      }
    }
  }

  private finish(s: StepState): HostStepResult {
    const bar = s.bar;
    const plugins = s.plan.record(s.readings, s.plan.slots.length);
    const timing = { totalMs: this.clock.now() - s.t0 };
    const errors = s.errors ?? NO_ERRORS;
    const rejectedBars = this.rejectedTotal;
    return bar.symbol === undefined
      ? {
          kind: 'step',
          bar,
          index: s.index,
          sensors: s.sensors,
          plugins,
          errors,
          timing,
          rejectedBars,
        }
      : {
          kind: 'step',
          bar,
          index: s.index,
          symbol: bar.symbol,
          sensors: s.sensors,
          plugins,
          errors,
          timing,
          rejectedBars,
        };
  }

  private reject(reason: RejectReason, field: string, value: unknown, message: string): RejectedBar {
    this.rejectedTotal++;
    this.rejectedBy[reason]++;
    this.options.log.debug('bar rejected', { reason, field, message });
    return Object.freeze({
      kind: 'rejected',
      reason,
      field,
      value: formatValue(value),
      message,
      index: this.index,
      rejectedBars: this.rejectedTotal,
    });
  }
}

/** The slot behind each argument object, for the shared `signal` getter (plugins cannot reach it). */
const argSlots = new WeakMap<object, PluginSlot>();

function signalOfArgs(this: object): AbortSignal {
  const slot = argSlots.get(this);
  if (slot === undefined) throw new TypeError('signal read from an object that is not onBar arguments');
  return slot.signal();
}

function addError(s: StepState, i: number, error: StepError): void {
  s.slotErrors ??= new Array<StepError | undefined>(s.plan.slots.length);
  s.slotErrors[i] = error;
}

/** Points a later layer's partial step at the frozen rows and readings of the slots before `end`. */
function exposeEarlier(live: LiveStep, s: StepState, end: number): void {
  live.set(s.index, Object.freeze(s.sensors.slice(0, end)), Object.freeze(s.plan.record(s.readings, end)));
}

/**
 * True when `validateBar` would certainly accept this host-made copy (same rules, no aux): the
 * common case skips its generic per-field loop. False means "ask `validateBar`", not "invalid".
 */
function isCleanBar(bar: Bar): boolean {
  if (bar === null || typeof bar !== 'object' || bar.aux !== undefined) return false;
  const { time, open, high, low, close, volume } = bar;
  return (
    typeof time === 'number' &&
    Number.isInteger(time) &&
    time >= 0 &&
    typeof open === 'number' &&
    typeof high === 'number' &&
    typeof low === 'number' &&
    typeof close === 'number' &&
    typeof volume === 'number' &&
    Number.isFinite(open) &&
    Number.isFinite(high) &&
    Number.isFinite(low) &&
    Number.isFinite(close) &&
    Number.isFinite(volume) &&
    volume >= 0 &&
    low <= open &&
    low <= close &&
    high >= open &&
    high >= close
  );
}

function quarantineMessage(slot: PluginSlot): string {
  return `quarantined after ${slot.tracker.consecutive} consecutive failures; retry in ${slot.tracker.remaining + 1} bars`;
}

function zeroCounts(): Record<RejectReason, number> {
  return { non_finite: 0, ohlc_inconsistent: 0, negative_volume: 0, bad_time: 0, time_not_increasing: 0 };
}
