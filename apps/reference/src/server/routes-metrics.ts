import type { FastifyInstance } from 'fastify';
import type { KeelServerContext } from './server-context.js';

/** `GET /metrics`: Prometheus text format from this server's registry (token-protected when one is set). */
export function registerMetricsRoute(app: FastifyInstance, ctx: KeelServerContext): void {
  const { registry } = ctx.metrics;
  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });
}
