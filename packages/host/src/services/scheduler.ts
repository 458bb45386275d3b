import type { ExchangeCalendar } from '@keel/calendar';
import {
  type Budget,
  type Bus,
  type BusEvent,
  type Clock,
  checkJsonSafe,
  formatValue,
  type HostContext,
  type JsonValue,
  type Schedule,
  type ScheduleEntry,
  type ScheduleKind,
  type ScheduleTick,
  safeParseSchedule,
  type Unsubscribe,
} from '@keel/contract';
import { describeThrown, SchedulerError } from './errors.js';
import { frozenJsonCopy } from './json-copy.js';
import { systemClock } from './manual-clock.js';
import { type RunFilter, RunLog, type RunRecord } from './run-log.js';
import { createTrigger, type Trigger } from './schedule-trigger.js';

/** What the host needs to build the context of one run. */
export interface JobContextInfo {
  readonly plugin: string;
  readonly job: string;
  /** Aborted when the run exceeds its budget or the plugin is removed. */
  readonly signal: AbortSignal;
  /** The run's due time (`tick.scheduledAt`): what it may see of the data ends here. */
  readonly scheduledAt: number;
}

export type JobContextFactory<Config = unknown> = (info: JobContextInfo) => HostContext<Config>;

export interface SchedulerOptions {
  /** Where `@open`, `@close` and `@idle` come from; its zone is the default for cron. */
  calendar: ExchangeCalendar;
  /** Read for `startedAt` and by `start()` (default the wall clock). */
  clock?: Clock;
  /** Needed for `on:<event>` jobs. */
  bus?: Bus;
  /** Run records kept (default 1000). */
  runLogSize?: number;
  /** Told about every run record as it is written. */
  onRun?: (record: RunRecord) => void;
  /** Monotonic milliseconds for `durationMs` (default `performance.now`). */
  elapsed?: () => number;
}

export interface AddJobsOptions {
  /** The plugin's budget; an entry's own `budget` overrides it. */
  budget?: Budget;
}

export interface AdvanceOptions {
  /**
   * Leave periodic jobs (`every …`, `@idle`) due by this time for the next advance without this
   * flag, which runs each once. A replay passes it while it steps through the calendar instants
   * inside one gap between bars, so a gap gives one periodic run, not one per instant.
   */
  readonly deferPeriodic?: boolean;
}

/** Periodic schedules coalesce in virtual time; the others are calendar events, run per occurrence. */
export function isPeriodicKind(kind: ScheduleKind): boolean {
  return kind === 'interval' || kind === 'idle';
}

export interface NextRun {
  readonly plugin: string;
  readonly job: string;
  readonly when: string;
  readonly kind: ScheduleKind;
  /** The next due time, or `null` for event jobs and schedules that never fire again. */
  readonly nextAt: number | null;
  readonly running: boolean;
  /** Due times waiting for the current run to finish (they will coalesce into one run). */
  readonly pending: number;
}

export interface Scheduler {
  /** Adds a plugin's run plan. Every entry is validated before any is added. */
  add<Config>(
    pluginId: string,
    entries: ReadonlyArray<ScheduleEntry<Config>>,
    context: JobContextFactory<Config>,
    options?: AddJobsOptions,
  ): void;
  /** Removes a plugin's jobs: pending runs are dropped, running ones see their signal aborted. */
  remove(pluginId: string): boolean;
  /**
   * Virtual time (replay): fires everything due up to and including `time`, in time order. The
   * first call also fires what is due exactly at `time`. Calendar-anchored jobs (`@open`, `@close`,
   * cron) run once per occurrence; periodic ones (`every …`, `@idle`) whose due times were passed
   * run once, at the latest due time ≤ `time`, with `tick.coalesced` counting the others ("missed
   * runs coalesce"). Resolves once every due run has started and those that settle on microtasks
   * have finished; `idle()` waits for the rest.
   */
  advanceTo(time: number, options?: AdvanceOptions): Promise<void>;
  /** Wall-clock mode: timers fire due jobs; runs missed while asleep coalesce into one per job. */
  start(): void;
  stop(): void;
  /** Forgets the current time and pending runs: a replay restarting. Running runs go on. */
  reset(): void;
  /** The scheduler's current time: the last `advanceTo` target or wall-clock tick. */
  time(): number | undefined;
  /**
   * Runs one job now, outside its schedule, at the scheduler's current time (bar time in a replay),
   * and resolves with its record, which the run log also holds (`manual: true`). Rejects with
   * `SCHEDULER_UNKNOWN_JOB`, or `SCHEDULER_JOB_BUSY` while the job runs: a job never overlaps itself.
   */
  runNow(pluginId: string, jobName: string): Promise<RunRecord>;
  /** The bounded run log, oldest first. */
  runs(filter?: RunFilter): RunRecord[];
  /** Every job and when it is next due, soonest first. */
  nextRuns(): NextRun[];
  /**
   * Resolves when no run is in progress and no scan of due times is under way (a scan yields
   * between instants, so a moment with no run does not mean every due run has started).
   */
  idle(): Promise<void>;
  /** True while a run is in progress or due times are being scanned: `idle()` would wait. */
  busy(): boolean;
  /** Stops timers and removes every plugin. */
  dispose(): void;
}

interface Job {
  readonly plugin: string;
  readonly name: string;
  readonly when: string;
  readonly schedule: Schedule;
  readonly entry: ScheduleEntry<unknown>;
  readonly trigger: Trigger | undefined;
  readonly context: JobContextFactory<unknown>;
  readonly timeoutMs: number | undefined;
  /** `every …` / `@idle`: coalesces in virtual time. */
  readonly periodic: boolean;
  nextDue: number | undefined;
  /** Due times folded into the run at `nextDue` (periodic jobs in virtual time). */
  folded: number;
  running: boolean;
  pending: number;
  pendingAt: number;
  pendingEvent: BusEvent | undefined;
  controller: AbortController | undefined;
  unsubscribe: Unsubscribe | undefined;
  removed: boolean;
}

interface Outcome {
  success: boolean;
  error?: string;
  data?: JsonValue;
}

const DEFAULT_RUN_LOG_SIZE = 1000;
// Wall-clock timers re-check at least this often, so a clock jump or a sleeping laptop is noticed.
const MAX_TIMER_MS = 60_000;
// Most further due times a wall-clock catch-up folds into one run before it stops counting.
const MAX_CATCH_UP = 100_000;

/**
 * Creates the scheduler for run plans. A job never overlaps itself: a time or event that comes due
 * while it runs is remembered, and all such due times coalesce into one run when it finishes
 * (`tick.coalesced` counts the extra ones). The same code serves replay (`advanceTo` with bar time)
 * and live use (`start()` on the wall clock).
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { calendar, bus, onRun } = options;
  const clock = options.clock ?? systemClock;
  const elapsed = options.elapsed ?? (() => performance.now());
  const runLogSize = options.runLogSize ?? DEFAULT_RUN_LOG_SIZE;
  if (!Number.isInteger(runLogSize) || runLogSize < 1) {
    throw new SchedulerError(
      'SCHEDULER_INVALID_OPTION',
      `runLogSize must be a positive integer, got ${formatValue(runLogSize)}`,
      {
        field: 'runLogSize',
        value: runLogSize,
      },
    );
  }
  const log = new RunLog(runLogSize);
  const plugins = new Map<string, Job[]>();
  // Copy-on-write, so adding or removing plugins from inside a run never disturbs a scan.
  let jobs: readonly Job[] = [];
  let now: number | undefined;
  let target: number | undefined;
  let scanning: Promise<void> | undefined;
  let catchUpCoalesces = false;
  let deferPeriodic = false;
  let started = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let active = 0;
  let idleWaiters: Array<() => void> = [];

  function add<Config>(
    pluginId: string,
    entries: ReadonlyArray<ScheduleEntry<Config>>,
    context: JobContextFactory<Config>,
    addOptions: AddJobsOptions = {},
  ): void {
    if (plugins.has(pluginId)) {
      throw new SchedulerError('SCHEDULER_DUPLICATE_PLUGIN', `plugin ${pluginId} already has jobs`, {
        field: 'pluginId',
        value: pluginId,
        hint: 'remove(pluginId) first',
      });
    }
    if (!Array.isArray(entries))
      throw invalidEntry(pluginId, 'schedule', entries, 'schedule must be an array');
    const list: Job[] = [];
    const names = new Set<string>();
    entries.forEach((entry, i) => {
      const field = `schedule[${i}]`;
      if (entry === null || typeof entry !== 'object' || typeof entry.run !== 'function') {
        throw invalidEntry(pluginId, field, entry, `${field} must be { when, run }`);
      }
      const parsed = safeParseSchedule(entry.when);
      if (!parsed.ok)
        throw invalidEntry(pluginId, `${field}.when`, entry.when, parsed.error.message, parsed.error.hint);
      const name = entry.name ?? entry.when;
      if (names.has(name))
        throw invalidEntry(pluginId, `${field}.name`, name, `duplicate job name ${JSON.stringify(name)}`);
      names.add(name);
      if (parsed.schedule.kind === 'event' && bus === undefined) {
        throw new SchedulerError('SCHEDULER_NO_BUS', `${pluginId} ${field}: ${entry.when} needs a bus`, {
          field: `${field}.when`,
          value: entry.when,
          hint: 'pass `bus` to createScheduler',
        });
      }
      let trigger: Trigger | undefined;
      try {
        trigger = createTrigger(parsed.schedule, calendar);
      } catch (cause) {
        throw invalidEntry(pluginId, `${field}.when`, entry.when, `${entry.when}: ${describeThrown(cause)}`);
      }
      list.push({
        plugin: pluginId,
        name,
        when: entry.when,
        schedule: Object.freeze(parsed.schedule),
        entry: entry as ScheduleEntry<unknown>,
        trigger,
        context: context as JobContextFactory<unknown>,
        timeoutMs: (entry.budget ?? addOptions.budget)?.timeoutMs,
        periodic: isPeriodicKind(parsed.schedule.kind),
        nextDue: undefined,
        folded: 0,
        running: false,
        pending: 0,
        pendingAt: 0,
        pendingEvent: undefined,
        controller: undefined,
        unsubscribe: undefined,
        removed: false,
      });
    });
    for (const job of list) {
      if (job.schedule.kind === 'event') {
        job.unsubscribe = bus!.on(job.schedule.pattern, (event) => onEvent(job, event));
      } else if (now !== undefined) {
        job.nextDue = nextOf(job, now);
      }
    }
    plugins.set(pluginId, list);
    jobs = [...jobs, ...list];
    arm();
  }

  function remove(pluginId: string): boolean {
    const list = plugins.get(pluginId);
    if (list === undefined) return false;
    for (const job of list) {
      job.removed = true;
      job.unsubscribe?.();
      job.pending = 0;
      job.pendingEvent = undefined;
      job.controller?.abort(
        new SchedulerError('SCHEDULER_PLUGIN_REMOVED', `plugin ${pluginId} was removed`, {
          field: 'pluginId',
          value: pluginId,
        }),
      );
    }
    plugins.delete(pluginId);
    jobs = jobs.filter((j) => j.plugin !== pluginId);
    arm();
    return true;
  }

  // Events a plugin publishes itself never trigger its own jobs: an `on:*` job that publishes
  // would otherwise run forever.
  function onEvent(job: Job, event: BusEvent): void {
    if (job.removed || event.source === job.plugin) return;
    fire(job, event.time, 0, event);
  }

  function nextOf(job: Job, t: number): number | undefined {
    try {
      const next = job.trigger?.next(t);
      // A due time that does not move forward would spin the scan loop forever.
      return next !== undefined && next > t ? next : undefined;
    } catch {
      // A calendar with no further session: the job simply has no next run.
      return undefined;
    }
  }

  function initAt(t: number): void {
    now = t;
    target = t;
    for (const job of jobs) job.nextDue = nextOf(job, t);
  }

  function advanceTo(time: number, advanceOptions: AdvanceOptions = {}): Promise<void> {
    if (typeof time !== 'number' || !Number.isFinite(time)) {
      throw new SchedulerError(
        'SCHEDULER_INVALID_OPTION',
        `time must be finite epoch ms, got ${formatValue(time)}`,
        {
          field: 'time',
          value: time,
        },
      );
    }
    if (target !== undefined && time < target) {
      throw new SchedulerError(
        'SCHEDULER_TIME_REVERSED',
        `time ${time} is before the scheduler time ${target}`,
        {
          field: 'time',
          value: time,
          hint: 'call reset() when a replay restarts',
        },
      );
    }
    // The first call includes `time` itself, so a job due at the first bar's time fires.
    if (now === undefined) initAt(time - 1);
    target = time;
    catchUpCoalesces = false;
    deferPeriodic = advanceOptions.deferPeriodic === true;
    if (!deferPeriodic) foldPeriodic(time);
    return scan();
  }

  // A periodic job whose due times this advance passes runs once, at the latest of them: over
  // daily bars `every 30s` is one run per bar (coalesced 2,879), not 2,880.
  function foldPeriodic(limit: number): void {
    for (const job of jobs) {
      const due = job.nextDue;
      if (!job.periodic || due === undefined || due > limit) continue;
      let at = due;
      let extra = 0;
      if (job.schedule.kind === 'interval') {
        const every = job.schedule.everyMs;
        // Due times are multiples of the period (see createTrigger): count them, do not step.
        const last = Math.floor(limit / every) * every;
        if (last > due) {
          extra = Math.round((last - due) / every);
          at = last;
        }
      } else {
        for (
          let n = nextOf(job, at);
          n !== undefined && n <= limit && extra < MAX_CATCH_UP;
          n = nextOf(job, at)
        ) {
          at = n;
          extra++;
        }
      }
      job.nextDue = at;
      job.folded += extra;
    }
  }

  function scan(): Promise<void> {
    if (scanning !== undefined) return scanning;
    // Fast path, no await: nothing due, or only runs that finished synchronously.
    if (step()) return Promise.resolve();
    scanning = (async () => {
      try {
        do await nextTurn();
        while (!step());
      } finally {
        scanning = undefined;
      }
    })();
    return scanning;
  }

  // Fires due instants in time order up to the target. Returns false when a run started at this
  // instant is still pending, so the caller yields one turn (letting runs that settle on
  // microtasks finish) before later instants: a quick async job then runs at every due time,
  // while one that is really still running coalesces them.
  function step(): boolean {
    for (;;) {
      const limit = target!;
      let x: number | undefined;
      const defer = deferPeriodic;
      for (const job of jobs) {
        const due = job.nextDue;
        if (defer && job.periodic) continue;
        if (due !== undefined && due <= limit && (x === undefined || due < x)) x = due;
      }
      if (x === undefined) {
        now = limit;
        return true;
      }
      // A periodic run folded to its latest due time may be earlier than a calendar instant an
      // earlier advance stopped at: the scheduler's time never moves back.
      if (now === undefined || x > now) now = x;
      let waiting = false;
      for (const job of jobs) {
        if (job.nextDue !== x || job.removed || (defer && job.periodic)) continue;
        let at = x;
        let extra = job.folded;
        job.folded = 0;
        if (catchUpCoalesces) {
          for (
            let n = nextOf(job, at);
            n !== undefined && n <= limit && extra < MAX_CATCH_UP;
            n = nextOf(job, at)
          ) {
            at = n;
            extra++;
          }
        }
        job.nextDue = nextOf(job, at);
        if (fire(job, at, extra, undefined)) waiting = true;
      }
      if (waiting) return false;
    }
  }

  /** Returns true when it started a run that is still pending. */
  function fire(job: Job, at: number, extra: number, event: BusEvent | undefined): boolean {
    if (job.running) {
      job.pending += 1 + extra;
      job.pendingAt = at;
      job.pendingEvent = event;
      return false;
    }
    return startRun(job, at, extra, event);
  }

  function startRun(
    job: Job,
    scheduledAt: number,
    coalesced: number,
    event: BusEvent | undefined,
    manual?: (entry: RunRecord) => void,
  ): boolean {
    job.running = true;
    active++;
    const controller = new AbortController();
    job.controller = controller;
    const tick: ScheduleTick = Object.freeze({
      job: job.name,
      when: job.when,
      schedule: job.schedule,
      scheduledAt,
      coalesced,
      ...(event === undefined ? {} : { event }),
    });
    const startedAt = clock.now();
    const t0 = elapsed();
    let recorded = false;
    let budgetTimer: ReturnType<typeof setTimeout> | undefined;

    const record = (outcome: Outcome, durationMs = elapsed() - t0): void => {
      if (recorded) return;
      recorded = true;
      if (budgetTimer !== undefined) clearTimeout(budgetTimer);
      let final = outcome;
      if (final.success && job.timeoutMs !== undefined && durationMs > job.timeoutMs) {
        // A synchronous run cannot be interrupted, but its result is still over budget.
        final = { success: false, error: overBudget(job, durationMs).message };
      }
      const entry: RunRecord = Object.freeze({
        plugin: job.plugin,
        job: job.name,
        when: job.when,
        scheduledAt,
        startedAt,
        durationMs: Math.max(0, Math.round(durationMs * 1000) / 1000),
        success: final.success,
        ...(final.error === undefined ? {} : { error: final.error }),
        ...(final.data === undefined ? {} : { data: final.data }),
        coalesced,
        ...(manual === undefined ? {} : { manual: true as const }),
      });
      log.push(entry);
      manual?.(entry);
      if (onRun !== undefined) {
        try {
          onRun(entry);
        } catch {
          // A failing observer must not break scheduling.
        }
      }
    };

    const settle = (): void => {
      job.running = false;
      job.controller = undefined;
      active--;
      if (job.pending > 0 && !job.removed) {
        const n = job.pending;
        const ev = job.pendingEvent;
        job.pending = 0;
        job.pendingEvent = undefined;
        startRun(job, job.pendingAt, n - 1, ev);
      }
      settleIdle();
    };

    let result: unknown;
    try {
      const ctx = job.context({ plugin: job.plugin, job: job.name, signal: controller.signal, scheduledAt });
      result = job.entry.run(ctx, tick);
    } catch (thrown) {
      record(failed(thrown));
      settle();
      return false;
    }
    if (!isThenable(result)) {
      record(outcomeOf(result));
      settle();
      return false;
    }
    if (job.timeoutMs !== undefined) {
      const timeoutMs = job.timeoutMs;
      budgetTimer = setTimeout(() => {
        const error = overBudget(job, timeoutMs);
        controller.abort(error);
        // The run is recorded as failed now; the job stays busy until its promise settles, so a
        // run that ignores its signal still never overlaps the next one.
        record({ success: false, error: error.message }, timeoutMs);
      }, timeoutMs);
    }
    result.then(
      (value) => {
        record(outcomeOf(value));
        settle();
      },
      (thrown: unknown) => {
        record(failed(thrown));
        settle();
      },
    );
    return true;
  }

  function settleIdle(): void {
    if (active > 0 || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function arm(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!started) return;
    let soonest: number | undefined;
    for (const job of jobs) {
      if (job.nextDue !== undefined && (soonest === undefined || job.nextDue < soonest))
        soonest = job.nextDue;
    }
    const delay =
      soonest === undefined ? MAX_TIMER_MS : Math.min(Math.max(soonest - clock.now(), 0), MAX_TIMER_MS);
    timer = setTimeout(onTimer, delay);
  }

  function onTimer(): void {
    timer = undefined;
    if (!started) return;
    const t = clock.now();
    if (now === undefined) initAt(t);
    if (target === undefined || t > target) target = t;
    catchUpCoalesces = true;
    deferPeriodic = false;
    scan().then(arm, arm);
  }

  return {
    add,
    remove,
    advanceTo,
    start(): void {
      if (started) return;
      started = true;
      if (now === undefined) initAt(clock.now());
      arm();
    },
    stop(): void {
      started = false;
      arm();
    },
    reset(): void {
      now = undefined;
      target = undefined;
      for (const job of jobs) {
        job.nextDue = undefined;
        job.folded = 0;
        job.pending = 0;
        job.pendingEvent = undefined;
      }
      if (started) {
        initAt(clock.now());
        arm();
      }
    },
    time: () => now,
    runNow(pluginId: string, jobName: string): Promise<RunRecord> {
      const job = jobs.find((j) => j.plugin === pluginId && j.name === jobName);
      if (job === undefined) {
        return Promise.reject(
          new SchedulerError(
            'SCHEDULER_UNKNOWN_JOB',
            `no job ${JSON.stringify(jobName)} of plugin ${JSON.stringify(pluginId)}`,
            {
              field: 'job',
              value: jobName,
            },
          ),
        );
      }
      if (job.running) {
        return Promise.reject(
          new SchedulerError(
            'SCHEDULER_JOB_BUSY',
            `job ${JSON.stringify(jobName)} of plugin ${JSON.stringify(pluginId)} is running`,
            {
              field: 'job',
              value: jobName,
              hint: 'wait for the run in progress to finish',
            },
          ),
        );
      }
      return new Promise((resolve) => {
        startRun(job, now ?? clock.now(), 0, undefined, resolve);
      });
    },
    runs: (filter?: RunFilter) => log.list(filter),
    nextRuns(): NextRun[] {
      const out: NextRun[] = jobs.map((job) => {
        const nextAt =
          job.trigger === undefined ? undefined : (job.nextDue ?? nextOf(job, now ?? clock.now()));
        return {
          plugin: job.plugin,
          job: job.name,
          when: job.when,
          kind: job.schedule.kind,
          nextAt: nextAt ?? null,
          running: job.running,
          pending: job.pending,
        };
      });
      return out.sort(
        (a, b) => (a.nextAt ?? Number.POSITIVE_INFINITY) - (b.nextAt ?? Number.POSITIVE_INFINITY),
      );
    },
    idle(): Promise<void> {
      if (active === 0 && scanning === undefined) return Promise.resolve();
      return (async () => {
        for (;;) {
          if (scanning !== undefined) await scanning.catch(() => undefined);
          else if (active > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
          else return;
        }
      })();
    },
    busy: () => active > 0 || scanning !== undefined,
    dispose(): void {
      started = false;
      arm();
      for (const pluginId of [...plugins.keys()]) remove(pluginId);
    },
  };
}

function invalidEntry(
  pluginId: string,
  field: string,
  value: unknown,
  message: string,
  hint?: string,
): SchedulerError {
  return new SchedulerError('SCHEDULER_INVALID_ENTRY', `${pluginId}: ${message}`, {
    field,
    value,
    ...(hint === undefined ? {} : { hint }),
  });
}

function overBudget(job: Job, ms: number): SchedulerError {
  return new SchedulerError(
    'SCHEDULER_TIMEOUT',
    `TIMEOUT: ${job.plugin}/${job.name} ran ${Math.round(ms)} ms, over its budget of ${job.timeoutMs} ms`,
    {
      field: 'budget.timeoutMs',
      value: job.timeoutMs,
    },
  );
}

function failed(thrown: unknown): Outcome {
  return { success: false, error: describeThrown(thrown) };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function'
  );
}

// Checks a run's return value against `PluginResult`; a violation fails the run, naming the path.
function outcomeOf(value: unknown): Outcome {
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { success?: unknown }).success !== 'boolean'
  ) {
    return {
      success: false,
      error: `contract: run must return { success, data?, error? }, got ${formatValue(value)}`,
    };
  }
  const r = value as { success: boolean; data?: unknown; error?: unknown };
  if (r.error !== undefined && typeof r.error !== 'string') {
    return { success: false, error: `contract: result.error must be a string, got ${formatValue(r.error)}` };
  }
  const out: Outcome = { success: r.success };
  if (r.error !== undefined) out.error = r.error;
  if (r.data !== undefined) {
    const check = checkJsonSafe(r.data, { root: 'data' });
    if (!check.ok) return { success: false, error: `contract: ${check.path} ${check.reason}` };
    out.data = frozenJsonCopy(r.data as JsonValue);
  }
  return out;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
