import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { KeelServerContext } from './server-context.js';
import { parseInput, ServerError } from './server-error.js';

const PluginIdSchema = z
  .object({ id: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'not a plugin id') })
  .strict();

/** Read-only views of the host: health, plugins, scheduled runs, panels, recent steps and events. */
export function registerHostRoutes(app: FastifyInstance, ctx: KeelServerContext): void {
  const { host, feed, fanout } = ctx;
  const startedAt = Date.now();

  app.get('/api/health', async () => {
    const ws = fanout.stats();
    return {
      ok: true,
      uptimeMs: Date.now() - startedAt,
      symbol: ctx.loaded.config.data.symbol,
      feed: feed.progress(),
      plugins: host.plugins().length,
      loadErrors: host.loadErrors.length,
      ws: { clients: ws.clients, dropped: ws.dropped, broadcasts: ws.broadcasts },
    };
  });

  app.get('/api/plugins', async () => ({
    plugins: host.plugins(),
    // Only what a user needs to fix the entry: the entry's config may hold credentials.
    loadErrors: host.loadErrors.map((e) => ({
      plugin: e.plugin,
      phase: e.phase,
      code: e.code,
      message: e.message,
      ...(e.hint === undefined ? {} : { hint: e.hint }),
    })),
  }));

  const RunsQuery = z
    .object({
      limit: z.coerce.number().int().min(1).max(10_000).default(100),
      plugin: z.string().min(1).max(64).optional(),
      job: z.string().min(1).max(200).optional(),
    })
    .strict();
  app.get('/api/runs', async (request) => {
    const q = parseInput(RunsQuery, request.query, 'query');
    const runs = host.runs({
      limit: q.limit,
      ...(q.plugin === undefined ? {} : { plugin: q.plugin }),
      ...(q.job === undefined ? {} : { job: q.job }),
    });
    return { runs: runs.reverse() };
  });

  app.get('/api/next-runs', async () => ({ nextRuns: host.nextRuns() }));

  // Every plugin that has a console panel, evaluated now: one request per dashboard refresh.
  app.get('/api/panels', async () => {
    const panels = [];
    for (const { id } of host.plugins()) {
      const panel = host.describe(id);
      if (panel !== undefined) panels.push({ id, ...panel });
    }
    return { panels };
  });

  app.get('/api/panels/:id', async (request) => {
    const { id } = parseInput(PluginIdSchema, request.params, 'params');
    if (!host.plugins().some((p) => p.id === id)) {
      throw new ServerError('PANEL_NOT_FOUND', 404, `no plugin with id ${JSON.stringify(id)} is loaded`, {
        field: 'id',
      });
    }
    const panel = host.describe(id);
    if (panel === undefined) {
      throw new ServerError('PANEL_NOT_FOUND', 404, `plugin ${JSON.stringify(id)} has no console panel`, {
        field: 'id',
      });
    }
    return { id, ...panel };
  });

  const StepsQuery = z
    .object({ limit: z.coerce.number().int().min(1).max(ctx.limits.steps).default(200) })
    .strict();
  app.get('/api/steps', async (request) => {
    const { limit } = parseInput(StepsQuery, request.query, 'query');
    return { steps: feed.steps(limit) };
  });

  const EventsQuery = z
    .object({
      limit: z.coerce.number().int().min(1).max(ctx.limits.events).default(100),
      type: z.string().min(1).max(200).optional(),
    })
    .strict();
  app.get('/api/events', async (request) => {
    const { limit, type } = parseInput(EventsQuery, request.query, 'query');
    return { events: feed.events(limit, type) };
  });
}
