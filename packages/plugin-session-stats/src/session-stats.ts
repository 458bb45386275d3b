import { definePlugin, type JsonObject } from '@keel/contract';
import { z } from 'zod';

export const SessionStatsConfigSchema = z.object({
  /** Sessions kept in the cache for the `session-stats.history` RPC. */
  keepSessions: z.number().int().min(1).max(10_000).default(250),
});

/** One trading session's sensor activity, as published on `session.closed` and cached. */
export interface SessionSummary extends JsonObject {
  sessionClose: number;
  bars: number;
  /** Bars on which at least one earlier-layer sensor was active. */
  activeBars: number;
  /** Active readings per sensor plugin id. */
  activations: { [plugin: string]: number };
}

/**
 * Creates the plugin. A factory, so each host gets its own counters: plugin state lives in the
 * closure of one instance, never in module globals shared by every importer.
 */
export function createSessionStats() {
  let bars = 0;
  let activeBars = 0;
  let activations: Record<string, number> = {};
  let last: SessionSummary | null = null;
  let sessions = 0;

  const clear = () => {
    bars = 0;
    activeBars = 0;
    activations = {};
  };

  return definePlugin({
    id: 'session-stats',
    name: 'Session stats',
    version: '0.1.0',
    category: 'diag',
    description: 'Counts earlier-layer sensor activations per session and reports them at the close.',
    layer: 'EXE',
    warmup: 0,
    window: 2,
    outputs: ['session.closed'],
    config: SessionStatsConfigSchema,
    budget: { timeoutMs: 5000 },

    setup(ctx) {
      ctx.rpc.register('session-stats.last', () => last);
      ctx.rpc.register('session-stats.history', async () => (await ctx.cache.get('sessions', 'index')) ?? []);
    },

    onBar({ step }) {
      bars++;
      let active = 0;
      for (const row of step.sensors) {
        if (!row.active) continue;
        active++;
        activations[row.plugin] = (activations[row.plugin] ?? 0) + 1;
      }
      if (active > 0) activeBars++;
      const total = step.sensors.length;
      return {
        active: active > 0,
        score: total === 0 ? 0 : active / total,
        status: `${active}/${total} active · session ${activeBars}/${bars}`,
        sessionBars: bars,
      };
    },

    schedule: [
      {
        when: '@close',
        name: 'session-close',
        async run(ctx, tick) {
          const summary: SessionSummary = {
            sessionClose: tick.scheduledAt,
            bars,
            activeBars,
            activations: { ...activations },
          };
          last = summary;
          sessions++;
          clear();
          const index = ((await ctx.cache.get<number[]>('sessions', 'index')) ?? []).concat(tick.scheduledAt);
          const keep = index.slice(-ctx.config.keepSessions);
          await ctx.cache.put('sessions', String(tick.scheduledAt), summary);
          await ctx.cache.put('sessions', 'index', keep);
          ctx.bus.publish('session.closed', summary);
          return { success: true, data: summary };
        },
      },
    ],

    describe() {
      return {
        status:
          last === null
            ? 'waiting for the first close'
            : `last close ${new Date(last.sessionClose).toISOString()}`,
        stats: {
          sessions: () => sessions,
          barsThisSession: () => bars,
          activeBarsThisSession: () => activeBars,
          lastSession: () => last,
        },
      };
    },

    reset() {
      clear();
      last = null;
      sessions = 0;
    },
  });
}
