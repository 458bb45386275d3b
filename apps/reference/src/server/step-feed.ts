import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { type Bar, toKeelError } from '@keel/contract';
import type { Host, HostStepResult, ReplayProgress, ReplaySummary } from '@keel/host';
import type { BarSource } from '../bar-source.js';
import type {
  EventSummary,
  FeedState,
  ProgressSummary,
  SensorSummary,
  ServerMessage,
  StepSummary,
} from './messages.js';
import { Ring } from './ring.js';

export interface StepFeedOptions {
  readonly host: Host;
  readonly source: BarSource;
  /** Bars per second; 0 replays as fast as the host goes (still yielding so requests are served). */
  readonly speed: number;
  /** Recent steps kept for `/api/steps` and the snapshot. */
  readonly stepLimit: number;
  /** Recent bus events kept for `/api/events` and the snapshot. */
  readonly eventLimit: number;
  readonly publish: (message: ServerMessage) => void;
  /** Clock and sleep the replay is paced with (default: the wall clock); tests inject their own. */
  readonly pacing?: FeedPacing;
  /** Sees every step result as it happens (metrics); called before the step is published. */
  readonly observeStep?: (result: HostStepResult) => void;
}

/** What {@link createStepFeed} paces bars with: monotonic ms, and an abortable wait. */
export interface FeedPacing {
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

const wallClockPacing: FeedPacing = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
};

export interface StepFeed {
  /** Starts the replay in the background; a second call does nothing. */
  start(): void;
  /** Stops the replay between bars and stops watching; resolves once the replay has returned. */
  stop(): Promise<void>;
  /** Settles when the replay ends (`null` if it failed or never started before `stop`). */
  readonly done: Promise<ReplaySummary | null>;
  steps(limit?: number): StepSummary[];
  events(limit?: number, type?: string): EventSummary[];
  progress(): ProgressSummary;
}

/** Fast (0 = unpaced) replays still yield to the event loop this often, so HTTP and WS keep flowing. */
const UNPACED_YIELD_EVERY = 256;
/** Shorter waits are folded into the next one: timers are not precise below a few ms. */
const MIN_SLEEP_MS = 4;

/**
 * Drives one replay of the configured bars through the host and turns it into dashboard data:
 * a bounded ring of step summaries, a bounded ring of bus events, replay progress, and the
 * scheduled runs. Each item is handed to `publish` as it happens.
 */
export function createStepFeed(options: StepFeedOptions): StepFeed {
  const { host, source, speed, publish } = options;
  const pacing = options.pacing ?? wallClockPacing;
  const steps = new Ring<StepSummary>(options.stepLimit);
  const events = new Ring<EventSummary>(options.eventLimit);
  const controller = new AbortController();
  let seq = 0;
  let state: FeedState = 'starting';
  let failure: { code: string; message: string } | undefined;
  let last: ReplayProgress | undefined;
  let started = false;
  let settle!: (summary: ReplaySummary | null) => void;
  const done = new Promise<ReplaySummary | null>((resolve) => {
    settle = resolve;
  });

  const stopRuns = host.onRun((run) => publish({ type: 'run', run }));
  const unsubscribe = host.bus.on('*', (event) => {
    const summary: EventSummary = {
      seq: ++seq,
      type: event.type,
      source: event.source,
      time: event.time,
      data: event.data,
    };
    events.push(summary);
    publish({ type: 'event', event: summary });
  });

  const progress = (): ProgressSummary => ({
    state,
    processed: last?.processed ?? 0,
    accepted: last?.accepted ?? 0,
    rejected: last?.rejected ?? 0,
    total: source.total ?? null,
    elapsedMs: last?.elapsedMs ?? 0,
    lastTime: last === undefined || Number.isNaN(last.lastTime) ? null : last.lastTime,
    speed,
    ...(failure === undefined ? {} : { error: failure }),
  });

  const observeStep = options.observeStep;
  const onStep = (result: HostStepResult) => {
    observeStep?.(result);
    const summary = summarizeStep(result);
    steps.push(summary);
    publish({ type: 'step', step: summary });
  };

  const run = async (): Promise<ReplaySummary | null> => {
    state = 'replaying';
    publish({ type: 'progress', progress: progress() });
    try {
      const summary = await host.replay(paced(source.bars, speed, controller.signal, pacing), {
        signal: controller.signal,
        onStep,
        progressEvery: speed > 0 ? Math.max(10, Math.round(speed / 10)) : 500,
        onProgress: (p) => {
          last = p;
          publish({ type: 'progress', progress: progress() });
        },
      });
      await host.idle();
      state = summary.aborted ? 'stopped' : 'done';
      return summary;
    } catch (error) {
      const keel = toKeelError(error, 'FEED_FAILED');
      failure = { code: keel.code, message: keel.message };
      state = controller.signal.aborted ? 'stopped' : 'failed';
      return null;
    } finally {
      publish({ type: 'progress', progress: progress() });
    }
  };

  return {
    start() {
      if (started) return;
      started = true;
      run().then(settle, () => settle(null));
    },
    async stop() {
      controller.abort();
      unsubscribe();
      stopRuns();
      if (!started) {
        state = 'stopped';
        settle(null);
      }
      await done;
    },
    done,
    steps: (limit) => steps.toArray(limit),
    events(limit = events.size, type) {
      if (type === undefined) return events.toArray(limit);
      const matching = events.toArray().filter((e) => e.type === type);
      return matching.slice(Math.max(0, matching.length - limit));
    },
    progress,
  };
}

function summarizeStep(result: HostStepResult): StepSummary {
  const { bar } = result;
  const sensors = new Array<SensorSummary>(result.sensors.length);
  for (let i = 0; i < result.sensors.length; i++) {
    const row = result.sensors[i]!;
    sensors[i] = {
      plugin: row.plugin,
      name: row.name,
      layer: row.layer,
      active: row.active,
      // Four decimals are all a score bar can show and keep each message small.
      score: Math.round(row.score * 10_000) / 10_000,
      status: row.status,
    };
  }
  return {
    index: result.index,
    time: bar.time,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    sensors,
  };
}

/** Releases bars at `speed` per second against a wall-clock schedule, so pauses do not accumulate drift. */
async function* paced(
  bars: Iterable<Bar> | AsyncIterable<Bar>,
  speed: number,
  signal: AbortSignal,
  pacing: FeedPacing,
): AsyncGenerator<Bar> {
  const t0 = pacing.now();
  let i = 0;
  for await (const bar of bars) {
    if (signal.aborted) return;
    if (speed > 0) {
      const wait = t0 + (i * 1000) / speed - pacing.now();
      if (wait >= MIN_SLEEP_MS) {
        try {
          await pacing.sleep(wait, signal);
        } catch {
          return;
        }
        if (signal.aborted) return;
      }
    } else if (i % UNPACED_YIELD_EVERY === UNPACED_YIELD_EVERY - 1) {
      await yieldToLoop();
    }
    i++;
    yield bar;
  }
}
