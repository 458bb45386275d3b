import { definePlugin, formatValue, type HostContext, safeParseSchedule } from '@keel/contract';
import { z } from 'zod';
import { ProcessHealthError } from './errors.js';
import { findBreaches, type HealthSample } from './health-sample.js';
import { createProcessProbe, type ProcessProbe } from './process-probe.js';

export const ProcessHealthConfigSchema = z
  .object({
    /** p99 event-loop delay over a sampling interval, ms. */
    maxLagP99Ms: z.number().positive().max(600_000).default(200),
    /** V8 heap in use, MiB. */
    maxHeapUsedMb: z.number().positive().max(1_000_000).default(1024),
    /** Resident set size, MiB. */
    maxRssMb: z.number().positive().max(1_000_000).default(2048),
    /** CPU over a sampling interval, % of one core (may exceed 100 with worker threads). */
    maxCpuPercent: z.number().positive().max(100_000).default(90),
    /** Samples kept for the panel's history. */
    keep: z.number().int().min(1).max(10_000).default(120),
  })
  .prefault({});
export type ProcessHealthConfig = z.output<typeof ProcessHealthConfigSchema>;

/** Bus event types. */
export const PROCESS_HEALTH_EVENTS = { sample: 'process.health', breach: 'process.health.breach' } as const;

export interface ProcessHealthOptions {
  /**
   * Sampling interval, `<n>s|m|h` (default `30s`). A factory option rather than config because a
   * plugin's schedule is fixed when it loads. In a replay, interval jobs run at every due time of
   * bar time: over daily bars, `30s` means 2,880 samples per bar, so use `24h` there.
   */
  readonly interval?: string;
}

/**
 * Creates the plugin: every 30 s (and on demand, through the `process-health.sample` RPC or a
 * `process-health.sample` bus event) it measures event-loop lag, heap, RSS and CPU, compares them
 * with the thresholds, publishes the sample (and each breach) on the bus, caches the latest and
 * keeps a short history for its panel. A factory: each host gets its own monitor.
 *
 * Jobs return no data: the numbers differ from run to run by nature, and the run log is meant to
 * be reproducible; the samples travel on the bus, the cache and the panel instead.
 */
export function createProcessHealth(options: ProcessHealthOptions = {}) {
  const interval = options.interval ?? '30s';
  const when = `every ${interval}`;
  const parsed =
    typeof interval === 'string' && /^\d+[smh]$/.test(interval) ? safeParseSchedule(when) : undefined;
  if (parsed === undefined || !parsed.ok) {
    throw new ProcessHealthError(
      'PROCESS_HEALTH_INVALID_INTERVAL',
      `options.interval ${formatValue(interval)} is not an interval`,
      {
        field: 'options.interval',
        value: interval,
        hint: 'a number and a unit, at most one week: 30s, 5m, 24h',
      },
    );
  }
  let probe: ProcessProbe | undefined;
  let history: HealthSample[] = [];
  let samples = 0;
  let breaches = 0;

  const sample = async (ctx: HostContext<ProcessHealthConfig>): Promise<HealthSample> => {
    probe ??= createProcessProbe();
    const readout = probe.read();
    const found = findBreaches(readout, ctx.config);
    const s: HealthSample = { at: ctx.clock.now(), ...readout, breaches: found, ok: found.length === 0 };
    samples++;
    history.push(s);
    if (history.length > ctx.config.keep) history = history.slice(-ctx.config.keep);
    ctx.bus.publish(PROCESS_HEALTH_EVENTS.sample, s);
    for (const b of found) {
      breaches++;
      ctx.bus.publish(PROCESS_HEALTH_EVENTS.breach, { ...b, at: s.at });
      ctx.log.warn('process health threshold exceeded', { metric: b.metric, value: b.value, limit: b.limit });
    }
    await ctx.cache.put('health', 'latest', s);
    return s;
  };

  return definePlugin({
    id: 'process-health',
    name: 'Process health',
    version: '0.1.0',
    category: 'diag',
    description: 'Event-loop lag, heap, RSS and CPU of the host process against thresholds, on a schedule.',
    outputs: [PROCESS_HEALTH_EVENTS.sample, PROCESS_HEALTH_EVENTS.breach],
    config: ProcessHealthConfigSchema,
    budget: { timeoutMs: 5000 },

    setup(ctx) {
      probe ??= createProcessProbe();
      ctx.rpc.register('process-health.sample', async () => sample(ctx));
    },

    schedule: [
      {
        when,
        name: 'sample',
        async run(ctx) {
          await sample(ctx);
          return { success: true };
        },
      },
      {
        when: 'on:process-health.sample',
        name: 'sample-on-request',
        async run(ctx) {
          await sample(ctx);
          return { success: true };
        },
      },
    ],

    describe() {
      const last = history.at(-1);
      return {
        status:
          last === undefined
            ? 'no sample yet'
            : last.ok
              ? `ok · heap ${last.heapUsedMb.toFixed(0)} MiB · lag p99 ${last.lagP99Ms?.toFixed(1) ?? '–'} ms`
              : `breach: ${last.breaches.map((b) => b.metric).join(', ')}`,
        stats: {
          samples: () => samples,
          breaches: () => breaches,
          latest: () => last ?? null,
          history: () => history,
        },
      };
    },

    reset() {
      history = [];
      samples = 0;
      breaches = 0;
    },

    dispose() {
      probe?.close();
      probe = undefined;
    },
  });
}
