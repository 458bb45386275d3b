import type { FastifyInstance } from 'fastify';
import type { KeelServerContext } from './server-context.js';

/**
 * `GET /ws`: a snapshot first (recent steps, events, runs and progress, so a late browser draws at
 * once), then every live message. Browsers do not apply CORS to WebSockets, so a foreign page's
 * `Origin` is refused here.
 */
export function registerWsRoute(app: FastifyInstance, ctx: KeelServerContext): void {
  app.get('/ws', { websocket: true }, (socket, request) => {
    const origin = request.headers.origin;
    if (origin !== undefined && !sameOrigin(origin, request.headers.host)) {
      socket.close(1008, 'cross-origin WebSocket refused');
      return;
    }
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

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
