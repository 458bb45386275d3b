import type { JsonValue } from '@keel/contract';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { KeelServerContext } from './server-context.js';
import { parseInput, ServerError } from './server-error.js';

const PLUGIN_ID = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'not a plugin id');
const PluginParams = z.object({ id: PLUGIN_ID, action: z.enum(['enable', 'disable']) }).strict();
const JobParams = z
  .object({
    plugin: PLUGIN_ID,
    job: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,199}$/, 'not a job name'),
  })
  .strict();
/** Control requests carry no options today; a JSON `{}` body is required so the request is a JSON one. */
const EmptyBody = z.object({}).strict();
const EventBody = z
  .object({
    type: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,199}$/, 'not an event type'),
    data: z.json().default(null),
  })
  .strict();

/**
 * Routes that change the host: plugin toggles, a job run now, an event on the bus. They sit behind
 * the request guard like every write (JSON only, token or same-origin proof).
 */
export function registerControlRoutes(app: FastifyInstance, ctx: KeelServerContext): void {
  const { host } = ctx;

  app.post('/api/plugins/:id/:action', async (request) => {
    const { id, action } = parseInput(PluginParams, request.params, 'params');
    parseInput(EmptyBody, request.body, 'body');
    if (!host.plugins().some((p) => p.id === id)) {
      throw new ServerError('PLUGIN_NOT_FOUND', 404, `no plugin with id ${JSON.stringify(id)} is loaded`, {
        field: 'id',
      });
    }
    if (action === 'enable') host.enable(id);
    else host.disable(id);
    const plugin = host.plugins().find((p) => p.id === id);
    return { plugin };
  });

  // The run is awaited: the answer is its record, which `/api/runs` and `/ws` get as well.
  app.post('/api/jobs/:plugin/:job/run', async (request) => {
    const { plugin, job } = parseInput(JobParams, request.params, 'params');
    parseInput(EmptyBody, request.body, 'body');
    const run = await host.runJob(plugin, job);
    return { run };
  });

  // Published as source `api`, so subscribers and the event log tell an operator's event from a plugin's.
  app.post('/api/events', async (request, reply) => {
    const { type, data } = parseInput(EventBody, request.body, 'body');
    host.bus.publishAs('api', type, data as JsonValue);
    return reply.status(202).send({ published: { type, source: 'api' } });
  });
}
