import type { JsonValue, Layer } from '@keel/contract';
import type { RunRecord } from '@keel/host';

/** One sensor row of a step, as the dashboard draws it. */
export interface SensorSummary {
  readonly plugin: string;
  readonly name: string;
  readonly layer: Layer;
  readonly active: boolean;
  readonly score: number;
  readonly status: string;
}

/** A step cut down to what a chart needs: the bar's OHLCV and time, and each sensor row. */
export interface StepSummary {
  readonly index: number;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly sensors: readonly SensorSummary[];
}

export interface EventSummary {
  /** Server-assigned sequence number, increasing. */
  readonly seq: number;
  readonly type: string;
  readonly source: string;
  readonly time: number;
  readonly data: JsonValue;
}

export type FeedState = 'starting' | 'replaying' | 'done' | 'failed' | 'stopped';

export interface ProgressSummary {
  readonly state: FeedState;
  readonly processed: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Bars in the source, when known (the embedded sample); `null` for a streamed CSV. */
  readonly total: number | null;
  readonly elapsedMs: number;
  /** Time of the newest accepted bar. */
  readonly lastTime: number | null;
  /** Configured pace in bars per second; 0 means as fast as possible. */
  readonly speed: number;
  readonly error?: { readonly code: string; readonly message: string };
}

/** Everything `/ws` sends. A client gets one `snapshot` first, then the live messages. */
export type ServerMessage =
  | {
      readonly type: 'snapshot';
      readonly steps: readonly StepSummary[];
      readonly events: readonly EventSummary[];
      readonly runs: readonly RunRecord[];
      readonly progress: ProgressSummary;
    }
  | { readonly type: 'step'; readonly step: StepSummary }
  | { readonly type: 'event'; readonly event: EventSummary }
  | { readonly type: 'progress'; readonly progress: ProgressSummary }
  | { readonly type: 'run'; readonly run: RunRecord };
