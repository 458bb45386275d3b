import type { FastifyInstance } from 'fastify';
import type { KeelServerContext } from './server-context.js';

/** The signals panel's data: report payload, notification lines per locale, last alert diagnostics. */
export function registerSignalsRoutes(app: FastifyInstance, ctx: KeelServerContext): void {
  app.get('/api/signals', async () => ctx.signals.snapshot());
}
