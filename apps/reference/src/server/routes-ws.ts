import type { FastifyInstance } from 'fastify';
import type { KeelServerContext } from './server-context.js';

/**
 * `GET /ws`: a snapshot first (recent steps, events, runs and progress, so a late browser draws at
 * once), then every live message. Browsers do not apply CORS to WebSockets: the request guard
 * refuses a foreign `Origin`, a foreign `Host` and a missing token before the upgrade.
 */
export function registerWsRoute(app: FastifyInstance, ctx: KeelServerContext): void {
  app.get('/ws', { websocket: true }, (socket) => {
    ctx.fanout.add(socket);
    ctx.fanout.sendTo(socket, {
      type: 'snapshot',
      steps: ctx.feed.steps(ctx.limits.snapshotSteps),
      events: ctx.feed.events(),
      runs: ctx.host.runs({ limit: 200 }),
      progress: ctx.feed.progress(),
    });
  });
}
