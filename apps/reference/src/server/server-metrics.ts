import type { Host, HostStepResult } from '@keel/host';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SignalsState } from './signals-state.js';
import type { StepFeed } from './step-feed.js';
import type { WsFanout } from './ws-fanout.js';

export interface ServerMetricsSources {
  readonly host: Host;
  readonly feed: () => StepFeed;
  readonly signals: () => SignalsState;
  readonly fanout: WsFanout;
}

export interface ServerMetrics {
  /** This server's own registry: several servers in one process never share counters. */
  readonly registry: Registry;
  /** For the step feed: one histogram observation per step. */
  observeStep(result: HostStepResult): void;
  /** An API RPC call and how it ended (`ok` or the error code: a bounded set, never the method name). */
  countRpc(outcome: string): void;
  /** Stops the run listener; the registry is cleared. */
  close(): void;
}

const QUANTILES = ['p50', 'p95', 'p99', 'max'] as const;
const QUANTILE_LABEL: Record<(typeof QUANTILES)[number], string> = {
  p50: '0.5',
  p95: '0.95',
  p99: '0.99',
  max: '1',
};

/**
 * Prometheus metrics of one server. Everything the host already counts (plugin stats, rejected
 * bars, bus counters, fan-out counters, alert counts) is read when `/metrics` is scraped, so the
 * per-bar path gains only the step histogram's one `observe`. Counters the host keeps are
 * exported as counters set to the host's value: they restart with the host, as Prometheus expects
 * of a process restart.
 */
export function createServerMetrics(sources: ServerMetricsSources): ServerMetrics {
  const { host, fanout } = sources;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const pluginCounter = (name: string, help: string, pick: (s: PluginStatsLike) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['plugin'],
      registers: [registry],
      collect() {
        this.reset();
        for (const p of host.plugins()) this.inc({ plugin: p.id }, pick(p.stats));
      },
    });
  pluginCounter('keel_plugin_calls_total', 'onBar calls per plugin', (s) => s.calls);
  pluginCounter(
    'keel_plugin_errors_total',
    'onBar calls that threw, rejected or broke the contract',
    (s) => s.errors,
  );
  pluginCounter('keel_plugin_timeouts_total', 'onBar calls over their time budget', (s) => s.timeouts);
  pluginCounter('keel_plugin_quarantines_total', 'times a plugin entered quarantine', (s) => s.quarantines);
  pluginCounter('keel_plugin_restarts_total', 'worker restarts per plugin', (s) => s.restarts);

  new Gauge({
    name: 'keel_plugin_state',
    help: '1 for the state each plugin is in (loaded, warming, ready, quarantined, disabled)',
    labelNames: ['plugin', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of host.plugins()) this.set({ plugin: p.id, state: p.state }, 1);
    },
  });

  new Gauge({
    name: 'keel_plugin_call_duration_seconds',
    help: 'onBar call time per plugin, quantiles of the host’s sampled histogram since the run began',
    labelNames: ['plugin', 'quantile'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of host.plugins()) {
        const d = p.stats.durations;
        if (d.samples === 0) continue;
        for (const q of QUANTILES) this.set({ plugin: p.id, quantile: QUANTILE_LABEL[q] }, d[q] / 1000);
      }
    },
  });

  const steps = new Histogram({
    name: 'keel_step_duration_seconds',
    help: 'wall time of one bar through every plugin',
    buckets: [0.000_01, 0.000_05, 0.000_1, 0.000_5, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });

  const feedCounter = (name: string, help: string, pick: (p: ReturnType<StepFeed['progress']>) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(pick(sources.feed().progress()));
      },
    });
  feedCounter('keel_bars_processed_total', 'bars read from the replay source', (p) => p.processed);
  feedCounter(
    'keel_bars_accepted_total',
    'bars that passed validation and reached the plugins',
    (p) => p.accepted,
  );

  new Counter({
    name: 'keel_bars_rejected_total',
    help: 'bars rejected by validation in the current run, by reason',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(host.rejectedBars.byReason)) this.inc({ reason }, n);
    },
  });

  const busCounter = (name: string, help: string, pick: (s: ReturnType<Host['bus']['stats']>) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(pick(host.bus.stats()));
      },
    });
  busCounter('keel_bus_events_published_total', 'events published on the bus', (s) => s.published);
  busCounter(
    'keel_bus_events_dropped_total',
    'events dropped because the bus queue was full',
    (s) => s.dropped,
  );
  busCounter('keel_bus_handler_errors_total', 'bus handlers that threw or rejected', (s) => s.handlerErrors);

  const rpc = new Counter({
    name: 'keel_api_rpc_calls_total',
    help: 'RPC calls made through POST /api/rpc, by outcome (ok or the error code)',
    labelNames: ['outcome'],
    registers: [registry],
  });

  const runs = new Counter({
    name: 'keel_job_runs_total',
    help: 'scheduled job runs by plugin, job and outcome (success, failure)',
    labelNames: ['plugin', 'job', 'outcome'],
    registers: [registry],
  });
  const stopRuns = host.onRun((run) =>
    runs.inc({ plugin: run.plugin, job: run.job, outcome: run.success ? 'success' : 'failure' }),
  );

  new Gauge({
    name: 'keel_alerts',
    help: 'alert deliveries of the last signals publish, by channel and outcome (sent, skipped, failed)',
    labelNames: ['channel', 'outcome'],
    registers: [registry],
    collect() {
      this.reset();
      const channels = sources.signals().snapshot().alerts?.channels ?? {};
      for (const [channel, c] of Object.entries(channels)) {
        this.set({ channel, outcome: 'sent' }, c.sent);
        this.set({ channel, outcome: 'skipped' }, c.skipped);
        this.set({ channel, outcome: 'failed' }, c.failed);
      }
    },
  });

  new Gauge({
    name: 'keel_ws_clients',
    help: 'connected WebSocket clients',
    registers: [registry],
    collect() {
      this.set(fanout.stats().clients);
    },
  });
  new Counter({
    name: 'keel_ws_dropped_frames_total',
    help: 'WebSocket frames dropped for clients that did not keep up',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(fanout.stats().dropped);
    },
  });
  new Counter({
    name: 'keel_ws_broadcasts_total',
    help: 'messages broadcast to the WebSocket clients',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(fanout.stats().broadcasts);
    },
  });

  return {
    registry,
    observeStep: (result) => steps.observe(result.timing.totalMs / 1000),
    countRpc: (outcome) => rpc.inc({ outcome }),
    close() {
      stopRuns();
      registry.clear();
    },
  };
}

interface PluginStatsLike {
  readonly calls: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly quarantines: number;
  readonly restarts: number;
}
