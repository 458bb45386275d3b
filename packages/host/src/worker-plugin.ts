import type { Worker } from 'node:worker_threads';
import type { Bar, HostContext, Logger, SensorReading, SensorRow } from '@keel/contract';
import { describeThrown, type HostErrorCode } from './errors.js';
import type { LoadErrorCode, LoadPhase } from './plugin-loader.js';
import type { BarRing, RingWindow } from './ring-window.js';
import { WorkerBridge } from './worker-bridge.js';
import { DEFAULT_WORKER_MEM_MB, launchWorker } from './worker-launch.js';
import type { HostMessage, WorkerInit, WorkerMessage } from './worker-protocol.js';

/** How one `onBar` round trip ended. `reading` still goes through the host's `sanitizeReading`. */
export type WorkerOutcome =
  | { readonly kind: 'reading'; readonly value: unknown; readonly durationMs: number }
  | {
      readonly kind: 'ERROR' | 'TIMEOUT' | 'CONTRACT';
      readonly message: string;
      readonly durationMs: number;
    };

export type WorkerStart =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly phase: LoadPhase;
      readonly code: LoadErrorCode;
      readonly message: string;
      readonly hint?: string;
    };

/** What the pipeline hands over for one call: the bar and the partial step of the earlier layers. */
export interface WorkerCall {
  readonly bar: Bar;
  readonly index: number;
  readonly sensors: readonly SensorRow[];
  readonly plugins: Readonly<Record<string, SensorReading>>;
}

export interface WorkerPluginOptions {
  readonly init: Omit<WorkerInit, 'now'>;
  readonly timeoutMs: number;
  readonly memMb: number | undefined;
  /** The plugin's host-side context: the services the worker's `ctx` forwards to. */
  readonly ctx: HostContext;
  /** The host clock (bar time in a replay), sent with every message. */
  readonly now: () => number;
  /** The host's shared ring and the plugin's view of it: the source of the bars the worker is sent. */
  readonly ring: BarRing;
  readonly view: RingWindow;
  readonly log: Logger;
  /** The worker's `reset()` threw: recorded like an in-process reset failure. */
  readonly onResetFailed: (message: string) => void;
}

const PHASE_CODES: Record<LoadPhase, HostErrorCode> = {
  import: 'HOST_IMPORT_FAILED',
  manifest: 'HOST_INVALID_MANIFEST',
  config: 'HOST_INVALID_CONFIG',
  setup: 'HOST_SETUP_FAILED',
};

/**
 * A plugin running in its own worker thread (`isolation: 'worker'`), as the pipeline sees it: one
 * `call()` per admitted bar, which never rejects and never takes longer than `budget.timeoutMs`
 * once the thread is up. A thread that does not answer in time is terminated (a synchronous
 * `while (true) {}` included); one that crashes, exits or runs out of memory is gone. Either way
 * the next admitted call starts a fresh thread — so restarts follow the host's quarantine back-off,
 * counted in bars — and sends it the window it needs. The plugin's own state (closures, module
 * variables) starts over, as after `reset()`.
 */
export class WorkerPlugin {
  /** Threads started after the first one. */
  restarts = 0;
  private readonly options: WorkerPluginOptions;
  private run: WorkerRun | null = null;
  /** Why the thread died between calls, reported as the next call's ERROR. */
  private death: string | null = null;
  /** `ring.pushed` when the worker's window was last brought up to date. */
  private synced = 0;
  /** The worker's window must be rebuilt (new thread, or the host's ring was cleared). */
  private stale = true;
  private nextCall = 1;
  private disposed = false;

  constructor(options: WorkerPluginOptions) {
    this.options = options;
  }

  /** Starts the thread and waits until the plugin is imported, configured and set up. */
  start(): Promise<WorkerStart> {
    const run = new WorkerRun(this.options, (current, reason, reported) =>
      this.died(current, reason, reported),
    );
    this.run = run;
    this.stale = true;
    return run.ready;
  }

  get alive(): boolean {
    return this.run !== null && this.run.state !== 'dead';
  }

  async call(input: WorkerCall): Promise<WorkerOutcome> {
    const death = this.death;
    if (death !== null) {
      this.death = null;
      return { kind: 'ERROR', message: death, durationMs: 0 };
    }
    let run = this.run;
    if (run === null || run.state === 'dead') {
      this.restarts++;
      this.options.log.warn('restarting plugin worker', { restarts: this.restarts });
      const started = await this.start();
      if (!started.ok) {
        this.run?.kill();
        this.run = null;
        return {
          kind: 'ERROR',
          message: `worker restart failed in ${started.phase}: ${started.message}`,
          durationMs: 0,
        };
      }
      run = this.run as WorkerRun | null;
      if (run === null) return { kind: 'ERROR', message: 'worker restart failed', durationMs: 0 };
    }
    const { ring, view } = this.options;
    const pushed = ring.pushed;
    const missing = pushed - this.synced;
    const length = view.length;
    const full = this.stale || missing <= 0 || missing >= length;
    let bars: Bar[];
    if (!full && missing === 1) bars = [input.bar];
    else {
      const from = full ? 0 : length - missing;
      bars = [];
      for (let k = from; k < length; k++) bars.push(view.at(k) as Bar);
    }
    this.synced = pushed;
    this.stale = false;
    return run.call({
      t: 'bar',
      id: this.nextCall++,
      reset: full,
      bars,
      index: input.index,
      sensors: input.sensors,
      plugins: input.plugins,
      now: this.options.now(),
    });
  }

  /** The host's window restarted (reset or re-enable): rebuild the worker's on the next call. */
  rewind(): void {
    this.stale = true;
  }

  /** Data reload: the worker clears its window and runs the plugin's `reset()`. */
  reset(): void {
    this.stale = true;
    // A dead thread needs nothing: the next one starts from scratch anyway.
    this.run?.send({ t: 'reset', now: this.options.now() });
  }

  /** Runs the plugin's `dispose()` in the thread (bounded by the lifecycle timeout), then ends the thread. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const run = this.run;
    this.run = null;
    if (run === null) return;
    const failure = await run.dispose();
    if (failure !== undefined) this.options.log.error('plugin dispose failed', { error: failure });
  }

  /** `reported`: a call or the start already carried the reason; otherwise the next call does. */
  private died(run: WorkerRun, reason: string, reported: boolean): void {
    if (this.run !== run) return;
    this.run = null;
    if (this.disposed) return;
    if (!reported) this.death = reason;
    this.options.log.error('plugin worker died', { reason });
  }
}

interface PendingCall {
  readonly id: number;
  readonly t0: number;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (outcome: WorkerOutcome) => void;
}

/** One thread of a worker plugin, from spawn to exit. */
class WorkerRun {
  state: 'starting' | 'ready' | 'dead' = 'starting';
  readonly ready: Promise<WorkerStart>;
  private readonly options: WorkerPluginOptions;
  private readonly worker: Worker | null;
  private readonly bridge: WorkerBridge | null;
  private readonly onDeath: (run: WorkerRun, reason: string, reported: boolean) => void;
  private phase: LoadPhase = 'import';
  private crash: string | undefined;
  /** Set when the host ends the thread itself: its exit is then no news. */
  private ending = false;
  private pending: PendingCall | null = null;
  private settleStart: (result: WorkerStart) => void = () => undefined;
  private startTimer: NodeJS.Timeout | undefined;
  private disposed: ((error: string | undefined) => void) | null = null;
  private hasExited = false;
  private exitWaiters: Array<() => void> = [];

  constructor(
    options: WorkerPluginOptions,
    onDeath: (run: WorkerRun, reason: string, reported: boolean) => void,
  ) {
    this.options = options;
    this.onDeath = onDeath;
    this.ready = new Promise<WorkerStart>((resolve) => {
      this.settleStart = resolve;
    });
    let worker: Worker;
    try {
      worker = launchWorker({ workerData: { ...options.init, now: options.now() }, memMb: options.memMb });
    } catch (error) {
      // Typically a config that structured clone cannot copy.
      this.worker = null;
      this.bridge = null;
      this.state = 'dead';
      this.settleStart({
        ok: false,
        phase: 'config',
        code: 'HOST_INVALID_CONFIG',
        message: `cannot start the plugin's worker: ${describeThrown(error)}`,
      });
      return;
    }
    this.worker = worker;
    this.bridge = new WorkerBridge(worker, options.ctx, options.now);
    worker.on('message', (message: WorkerMessage) => this.receive(message));
    worker.on('error', (error: unknown) => {
      this.crash ??= describeCrash(error, options.memMb);
    });
    worker.on('exit', (code: number) => this.exited(code));
    const limit = options.init.lifecycleTimeoutMs;
    this.startTimer = setTimeout(() => {
      const phase = this.phase;
      this.finishStart({
        ok: false,
        phase,
        code: PHASE_CODES[phase],
        message: `${phase} in the worker did not finish within ${limit} ms`,
      });
      this.kill();
    }, limit);
  }

  send(message: HostMessage): void {
    if (this.state !== 'ready' || this.worker === null) return;
    try {
      this.worker.postMessage(message);
    } catch (error) {
      this.options.log.error('could not send to the worker', { t: message.t, error: describeThrown(error) });
    }
  }

  call(message: Extract<HostMessage, { t: 'bar' }>): Promise<WorkerOutcome> {
    const worker = this.worker;
    if (this.state !== 'ready' || worker === null)
      return Promise.resolve({ kind: 'ERROR', message: 'worker is not running', durationMs: 0 });
    const timeoutMs = this.options.timeoutMs;
    return new Promise<WorkerOutcome>((resolve) => {
      const t0 = performance.now();
      const timer = setTimeout(() => {
        if (this.pending?.id !== message.id) return;
        this.pending = null;
        const reason = `onBar exceeded budget.timeoutMs ${timeoutMs}; worker terminated`;
        // Lets an async onBar see its signal fire if the thread gets to it; a busy thread never will.
        this.send({ t: 'abort', id: message.id, reason });
        this.kill();
        resolve({ kind: 'TIMEOUT', message: reason, durationMs: performance.now() - t0 });
      }, timeoutMs);
      this.pending = { id: message.id, t0, timer, resolve };
      try {
        worker.postMessage(message);
      } catch (error) {
        clearTimeout(timer);
        this.pending = null;
        resolve({ kind: 'ERROR', message: `cannot send the bar: ${describeThrown(error)}`, durationMs: 0 });
      }
    });
  }

  /** Asks the plugin to dispose, waits (bounded), then ends the thread. Resolves to a failure message. */
  async dispose(): Promise<string | undefined> {
    if (this.state === 'ready' && this.worker !== null) {
      const limit = this.options.init.lifecycleTimeoutMs;
      let timer: NodeJS.Timeout | undefined;
      const done = new Promise<string | undefined>((resolve) => {
        this.disposed = resolve;
        timer = setTimeout(() => resolve(`dispose did not finish within ${limit} ms`), limit);
      });
      this.send({ t: 'dispose', now: this.options.now() });
      const failure = await done;
      clearTimeout(timer);
      this.kill();
      await this.exit();
      return failure;
    }
    this.kill();
    await this.exit();
    return undefined;
  }

  /** Ends the thread now (a timeout, a failed start, dispose). */
  kill(): void {
    if (this.state === 'dead' && this.ending) return;
    this.ending = true;
    this.state = 'dead';
    clearTimeout(this.startTimer);
    this.bridge?.close('the worker was terminated');
    void this.worker?.terminate();
  }

  private exit(): Promise<void> {
    if (this.hasExited || this.worker === null) return Promise.resolve();
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  private receive(message: WorkerMessage): void {
    if (this.bridge?.handle(message)) return;
    switch (message.t) {
      case 'phase':
        this.phase = message.phase;
        return;
      case 'ready':
        this.state = 'ready';
        this.finishStart({ ok: true });
        return;
      case 'failed':
        this.finishStart({
          ok: false,
          phase: message.phase,
          code: message.code,
          message: message.message,
          ...(typeof message.hint === 'string' ? { hint: message.hint } : {}),
        });
        this.kill();
        return;
      case 'result': {
        const pending = this.pending;
        if (pending === null || pending.id !== message.id) return;
        this.pending = null;
        clearTimeout(pending.timer);
        const durationMs = performance.now() - pending.t0;
        // The plugin shares the thread's port and could post anything: only the reading is taken
        // as given (the pipeline checks it), the rest is normalised.
        pending.resolve(
          message.ok === true
            ? { kind: 'reading', value: message.reading, durationMs }
            : {
                kind: message.kind === 'CONTRACT' ? 'CONTRACT' : 'ERROR',
                message: String(message.message),
                durationMs,
              },
        );
        return;
      }
      case 'reset-failed':
        this.options.onResetFailed(message.message);
        return;
      case 'disposed':
        this.disposed?.(message.error);
        this.disposed = null;
        return;
      default:
        return;
    }
  }

  private finishStart(result: WorkerStart): void {
    clearTimeout(this.startTimer);
    this.settleStart(result);
  }

  private exited(code: number): void {
    this.hasExited = true;
    for (const resolve of this.exitWaiters) resolve();
    this.exitWaiters = [];
    const intended = this.ending;
    let reported = this.state === 'starting';
    this.ending = true;
    this.state = 'dead';
    clearTimeout(this.startTimer);
    const reason = this.crash ?? `worker exited with code ${code} (process.exit)`;
    this.bridge?.close(reason);
    this.finishStart({ ok: false, phase: this.phase, code: 'HOST_WORKER_FAILED', message: reason });
    this.disposed?.(reason);
    this.disposed = null;
    const pending = this.pending;
    if (pending !== null) {
      this.pending = null;
      clearTimeout(pending.timer);
      pending.resolve({ kind: 'ERROR', message: reason, durationMs: performance.now() - pending.t0 });
      reported = true;
    }
    if (!intended) this.onDeath(this, reason, reported);
  }
}

function describeCrash(error: unknown, memMb: number | undefined): string {
  if ((error as { code?: unknown } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return `worker ran out of memory (budget.memMb ${memMb ?? DEFAULT_WORKER_MEM_MB})`;
  }
  return `worker crashed: ${describeThrown(error)}`;
}
