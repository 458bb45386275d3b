import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import { createNyseCalendar } from '@keel/calendar';
import type { Host } from '@keel/host';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createAppHost } from '../app-host.js';
import { barSource } from '../bar-source.js';
import type { LoadedConfig } from '../config.js';
import { dashboardRoot } from './dashboard-root.js';
import { registerControlRoutes } from './routes-control.js';
import { registerMetricsRoute } from './routes-metrics.js';
import { createServerMetrics } from './server-metrics.js';
import { registerHostRoutes } from './routes-host.js';
import { registerRpcRoutes } from './routes-rpc.js';
import { registerSignalsRoutes } from './routes-signals.js';
import { registerWsRoute } from './routes-ws.js';
import type { KeelServerContext } from './server-context.js';
import { ServerError, toErrorResponse } from './server-error.js';
import { installRequestGuard } from './request-guard.js';
import { AccessTokenSchema, WS_PROTOCOL } from './access-token.js';
import { servedHostNames } from '../bind-address.js';
import { createSignalsState, type SignalsState } from './signals-state.js';
import { createStepFeed, type FeedPacing, type StepFeed } from './step-feed.js';
import { WsFanout } from './ws-fanout.js';

export const DEFAULT_SPEED = 500;

export const LogLevelSchema = z.enum(['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace']);
export type LogLevel = z.output<typeof LogLevelSchema>;

const OptionsSchema = z.object({
  speed: z.number().min(0).max(10_000_000).default(DEFAULT_SPEED),
  replay: z.boolean().default(true),
  signals: z.boolean().default(true),
  stepLimit: z.number().int().min(1).max(100_000).default(2000),
  eventLimit: z.number().int().min(1).max(100_000).default(1000),
  snapshotSteps: z.number().int().min(1).max(100_000).default(600),
  ws: z
    .object({
      queueLimit: z.number().int().min(1).max(1_000_000).optional(),
      maxInFlightBytes: z
        .number()
        .int()
        .min(1)
        .max(1 << 30)
        .optional(),
    })
    .default({}),
  allowedHosts: z.array(z.string().min(1).max(253)).max(100).optional(),
  bindHost: z.string().min(1).max(253).optional(),
  token: AccessTokenSchema.optional(),
  bodyLimit: z
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(64 * 1024),
  logger: z.boolean().default(false),
  logLevel: LogLevelSchema.optional(),
});

export interface CreateServerOptions {
  readonly loaded: LoadedConfig;
  /** A host with plugins already loaded. The caller keeps ownership; without one the server builds it from the config and disposes it on close. */
  readonly host?: Host;
  /** Replay pace in bars per second (default 500: fast, yet a person can watch); 0 = as fast as possible. */
  readonly speed?: number;
  /** Replay the configured bars once the server is ready (default true). */
  readonly replay?: boolean;
  /** Load the artifacts and publish their alerts once the server is ready (default true). */
  readonly signals?: boolean;
  readonly stepLimit?: number;
  readonly eventLimit?: number;
  /** Steps a new WebSocket client gets in its snapshot. */
  readonly snapshotSteps?: number;
  readonly ws?: { queueLimit?: number; maxInFlightBytes?: number };
  /**
   * Host names (the `Host` header, without port) the server answers besides the loopback names and
   * `bindHost`'s; `['*']` for any. Stops a DNS-rebinding page from reaching the server under its
   * own name.
   */
  readonly allowedHosts?: readonly string[];
  /** The address the server will listen on: its name is served too (for `0.0.0.0`, this machine's addresses). */
  readonly bindHost?: string;
  /** API token (16+ characters): API routes, `/metrics` and `/ws` need it when set. */
  readonly token?: string;
  /** Largest request body in bytes (default 64 KiB). */
  readonly bodyLimit?: number;
  /** Fastify's request logger (default off: the CLI prints its own lines). */
  readonly logger?: boolean;
  /**
   * Structured JSON logs (pino, one object per line) at this level to `logStream` (default stderr):
   * requests, refusals and failures. The `Authorization` header and cookies are redacted.
   */
  readonly logLevel?: LogLevel;
  readonly logStream?: NodeJS.WritableStream;
  /** Environment for channel credentials and `STRATEGY_PLUGIN_MOUNTS_JSON` (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Clock and sleep the replay is paced with (default: the wall clock); tests inject their own. */
  readonly pacing?: FeedPacing;
}

export type KeelServer = FastifyInstance & { readonly keel: KeelServerContext };

/**
 * The reference app's HTTP + WebSocket server: JSON API over the host, `/ws` live stream and the
 * static dashboard. The replay and the signals flow start when the server becomes ready (`listen`,
 * `ready` or the first `inject`), so building a server does no work by itself.
 */
export async function createServer(options: CreateServerOptions): Promise<KeelServer> {
  const parsed = OptionsSchema.safeParse({
    ...options,
    loaded: undefined,
    host: undefined,
    env: undefined,
    pacing: undefined,
    logStream: undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = (issue?.path ?? []).join('.') || '(root)';
    throw new ServerError(
      'SERVER_INVALID_OPTION',
      500,
      `createServer: ${field}: ${issue?.message ?? 'invalid'}`,
      {
        field,
      },
    );
  }
  const opts = parsed.data;
  const { loaded } = options;
  const owned = options.host === undefined ? await createAppHost(loaded) : undefined;
  const host = options.host ?? owned!.host;
  try {
    const fanout = new WsFanout({
      ...(opts.ws.queueLimit === undefined ? {} : { queueLimit: opts.ws.queueLimit }),
      ...(opts.ws.maxInFlightBytes === undefined ? {} : { maxInFlightBytes: opts.ws.maxInFlightBytes }),
    });
    let feedRef: StepFeed | undefined;
    let signalsRef: SignalsState | undefined;
    const metrics = createServerMetrics({
      host,
      fanout,
      feed: () => feedRef as StepFeed,
      signals: () => signalsRef as SignalsState,
    });
    const feed = createStepFeed({
      observeStep: metrics.observeStep,
      host,
      source: opts.replay
        ? barSource(loaded, owned?.calendar ?? createNyseCalendar())
        : { bars: [], total: 0 },
      speed: opts.speed,
      stepLimit: opts.stepLimit,
      eventLimit: opts.eventLimit,
      publish: (message) => fanout.broadcast(message),
      ...(options.pacing === undefined ? {} : { pacing: options.pacing }),
    });
    const signals = createSignalsState(loaded, options.env ?? process.env);
    feedRef = feed;
    signalsRef = signals;
    const ctx: KeelServerContext = {
      metrics,
      loaded,
      host,
      feed,
      signals,
      fanout,
      limits: { steps: opts.stepLimit, events: opts.eventLimit, snapshotSteps: opts.snapshotSteps },
    };

    const app = Fastify({
      logger:
        opts.logLevel === undefined
          ? opts.logger
          : {
              level: opts.logLevel,
              stream: options.logStream ?? process.stderr,
              redact: [
                'req.headers.authorization',
                'req.headers.cookie',
                'req.headers["sec-websocket-protocol"]',
              ],
            },
      bodyLimit: opts.bodyLimit,
    });
    // JSON only: a `text/plain` POST is a "simple" cross-site request a foreign page may send unprompted.
    app.removeContentTypeParser('text/plain');
    const extra = opts.allowedHosts ?? [];
    installRequestGuard(app, {
      token: opts.token,
      hostNames: servedHostNames(opts.bindHost, extra),
      anyHost: extra.includes('*'),
    });
    app.setErrorHandler((error, request, reply) => {
      const { status, body } = toErrorResponse(error);
      if (status >= 500 && body.code === 'INTERNAL') app.log.error(error);
      // The code and field only: what the client was told, never the request's content.
      else request.log.info({ code: body.code, field: body.field, status }, 'request refused');
      return reply.status(status).send(body);
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({
        code: 'NOT_FOUND',
        message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}`,
      }),
    );

    await app.register(fastifyWebsocket, {
      options: {
        maxPayload: 4096,
        // A browser passes the token as a second subprotocol; the server answers with `keel`.
        handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
      },
    });
    await app.register(fastifyStatic, {
      root: dashboardRoot(),
      prefix: '/',
      index: 'index.html',
      cacheControl: false,
      setHeaders: (reply) => {
        reply.header('cache-control', 'no-cache');
        reply.header(
          'content-security-policy',
          "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        );
      },
    });
    registerHostRoutes(app, ctx);
    registerSignalsRoutes(app, ctx);
    registerRpcRoutes(app, ctx);
    registerControlRoutes(app, ctx);
    registerMetricsRoute(app, ctx);
    registerWsRoute(app, ctx);

    let signalsRun: Promise<unknown> | undefined;
    app.addHook('onReady', async () => {
      if (opts.replay) feed.start();
      if (opts.signals) signalsRun = signals.run();
    });
    app.addHook('onClose', async () => {
      await feed.stop();
      // Let a publish in progress finish, so its marker store is not closed under it.
      await signalsRun;
      fanout.closeAll();
      metrics.close();
      if (owned !== undefined) await owned.host.dispose();
    });
    app.decorate('keel', ctx);
    return app as unknown as KeelServer;
  } catch (error) {
    await owned?.host.dispose();
    throw error;
  }
}
