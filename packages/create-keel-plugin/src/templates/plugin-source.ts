import { descriptionOf } from './package-json.js';
import { quote, type TemplateContext } from './template-context.js';

/** `src/index.ts`: a working plugin of the chosen kind, default-exported. */
export function pluginSourceTemplate(ctx: TemplateContext): string {
  switch (ctx.kind) {
    case 'sensor':
      return sensorSource(ctx);
    case 'job':
      return jobSource(ctx);
    case 'service':
      return serviceSource(ctx);
  }
}

function manifestLines(ctx: TemplateContext, category: string): string {
  return [
    `  id: ${quote(ctx.id)},`,
    `  name: ${quote(ctx.displayName)},`,
    `  version: '0.1.0',`,
    `  category: ${quote(category)},`,
    `  description: ${quote(descriptionOf(ctx))},`,
  ].join('\n');
}

function sensorSource(ctx: TemplateContext): string {
  return `import { definePlugin } from '@keel/contract';
import { z } from 'zod';

export const configSchema = z.object({
  /** Closes in the mean, the current one included. */
  period: z.number().int().min(2).max(100).default(20),
  /** Active when the close is this many standard deviations from the mean. */
  threshold: z.number().positive().max(10).default(2),
});
export type Config = z.output<typeof configSchema>;

/**
 * A bar sensor: the z-score of the close against the last \`period\` closes. Computed from the
 * window on every bar, so the plugin keeps no state and a reset or a second host cannot see stale values.
 */
export const plugin = definePlugin({
${manifestLines(ctx, 'alpha')}
  layer: 'L2',
  // onBar is first called on the 20th bar; the window holds the largest period allowed.
  warmup: 20,
  window: 100,
  inputs: ['close'],
  outputs: ['z'],
  config: configSchema,

  onBar({ bar, window, config }) {
    // The closes as one Float64Array view, oldest first (no copy, no allocation): take it once and
    // index it directly, the fastest way to read a window.
    const series = window.close;
    const close = series.values();
    const n = Math.min(config.period, close.length);
    let sum = 0;
    for (let i = close.length - n; i < close.length; i++) sum += close[i]!;
    const mean = sum / n;
    let squares = 0;
    for (let i = close.length - n; i < close.length; i++) squares += (close[i]! - mean) ** 2;
    const sd = Math.sqrt(squares / n);
    const z = sd > 0 ? (bar.close - mean) / sd : 0;
    const strength = Math.abs(z) / config.threshold;
    return {
      active: strength >= 1,
      score: Math.min(1, strength / 2),
      status: \`z \${z.toFixed(2)}\`,
      z: Math.round(z * 1e4) / 1e4,
    };
  },
});

export default plugin;
`;
}

function jobSource(ctx: TemplateContext): string {
  return `import { definePlugin, type JsonObject } from '@keel/contract';
import { z } from 'zod';

export const configSchema = z.object({
  /** Days a report stays in the host cache. */
  keepDays: z.number().int().min(1).max(3650).default(30),
});
export type Config = z.output<typeof configSchema>;

/** What the job publishes on \`${ctx.id}.report\` and returns as its run data. */
export interface CloseReport extends JsonObject {
  session: string;
  closedAt: number;
}

/**
 * A scheduled job: at every session close (13:00 New York time on early-close days) it stores a
 * report in the host cache and publishes it on the bus. In a replay it runs on bar time, so the
 * same bars always give the same reports.
 */
export const plugin = definePlugin({
${manifestLines(ctx, 'risk')}
  config: configSchema,
  budget: { timeoutMs: 10_000 },
  outputs: [${quote(`${ctx.id}.report`)}],

  schedule: [
    {
      when: '@close',
      name: 'close-report',
      async run(ctx, tick) {
        const report: CloseReport = {
          session: new Date(tick.scheduledAt).toISOString().slice(0, 10),
          closedAt: tick.scheduledAt,
        };
        await ctx.cache.put('reports', report.session, report, { ttlMs: ctx.config.keepDays * 86_400_000 });
        ctx.bus.publish(${quote(`${ctx.id}.report`)}, report);
        return { success: true, data: report };
      },
    },
  ],
});

export default plugin;
`;
}

function serviceSource(ctx: TemplateContext): string {
  return `import { definePlugin, type JsonValue } from '@keel/contract';
import { z } from 'zod';

export const configSchema = z.object({
  /** How long a stored value lives in the host cache. */
  ttlMs: z.number().int().positive().default(3_600_000),
});
export type Config = z.output<typeof configSchema>;

const PutPayload = z.object({ key: z.string().min(1).max(200), value: z.json() });
const GetPayload = z.object({ key: z.string().min(1).max(200) });

/**
 * A service: a small key-value RPC over the host cache, and a console panel counting the bus
 * events it has seen. A factory, so every host gets its own counters.
 */
export function createPlugin() {
  let events = 0;
  let lastType: string | null = null;

  return definePlugin({
${manifestLines(ctx, 'infra').replace(/^/gm, '  ')}
    config: configSchema,

    setup(ctx) {
      ctx.rpc.register(${quote(`${ctx.id}.put`)}, async (payload) => {
        const { key, value } = PutPayload.parse(payload);
        await ctx.cache.put('values', key, value as JsonValue, { ttlMs: ctx.config.ttlMs });
        return true;
      });
      ctx.rpc.register(${quote(`${ctx.id}.get`)}, async (payload) => {
        const { key } = GetPayload.parse(payload);
        return (await ctx.cache.get<JsonValue>('values', key)) ?? null;
      });
      ctx.bus.on('*', (event) => {
        events++;
        lastType = event.type;
      });
    },

    describe() {
      return {
        status: lastType === null ? 'no events yet' : \`last event \${lastType}\`,
        stats: { events: () => events, lastType: () => lastType },
      };
    },

    reset() {
      events = 0;
      lastType = null;
    },
  });
}

export default createPlugin;
`;
}
