import type { Host } from '@keel/host';
import type { LoadedConfig } from '../config.js';
import type { ServerMetrics } from './server-metrics.js';
import type { SignalsState } from './signals-state.js';
import type { StepFeed } from './step-feed.js';
import type { WsFanout } from './ws-fanout.js';

/** What the routes share; also exposed as `server.keel` for the CLI and tests. */
export interface KeelServerContext {
  readonly loaded: LoadedConfig;
  readonly host: Host;
  readonly feed: StepFeed;
  readonly signals: SignalsState;
  readonly fanout: WsFanout;
  readonly metrics: ServerMetrics;
  readonly limits: { readonly steps: number; readonly events: number; readonly snapshotSteps: number };
}
