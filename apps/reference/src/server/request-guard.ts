import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerToken, subprotocolToken, tokensEqual } from './access-token.js';
import { ServerError, toErrorResponse } from './server-error.js';

export interface RequestGuardOptions {
  /** When set, every API route (but `/api/health`), `/metrics` and `/ws` need it. */
  readonly token: string | undefined;
  /** Lower-case names the `Host` header may carry (without port; IPv6 in brackets). */
  readonly hostNames: ReadonlySet<string>;
  /** `true` accepts any `Host` (only for a caller that asked for it in code). */
  readonly anyHost?: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Routes that carry data or act (everything but the dashboard's static files). */
function isApiPath(url: string): boolean {
  const p = url.split('?')[0] ?? '';
  return p.startsWith('/api/') || p === '/api' || p === '/ws' || p === '/metrics';
}

function isOpenPath(url: string): boolean {
  return (url.split('?')[0] ?? '') === '/api/health';
}

/**
 * The checks every request goes through before routing, in this order:
 * 1. `Host` is one of the served names (DNS rebinding reaches us under a foreign name);
 * 2. an `Origin`, when sent, is this server's own (a foreign page's fetch or WebSocket);
 * 3. on API routes, `Sec-Fetch-Site`, when sent, is `same-origin` or `none`;
 * 4. a state-changing method carries `Content-Type: application/json` (a form or `text/plain` POST
 *    is a "simple" request a foreign page can send without a preflight);
 * 5. with a token, API routes and `/ws` need it (`Authorization: Bearer`, or the
 *    `keel.token.<token>` WebSocket subprotocol); without one, a state-changing request from a
 *    browser needs same-origin proof (`Origin` or `Sec-Fetch-Site: same-origin`).
 * A refused WebSocket upgrade gets a plain HTTP answer on its socket before any upgrade happens.
 */
export function installRequestGuard(app: FastifyInstance, options: RequestGuardOptions): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    const refusal = check(request, options);
    if (refusal === undefined) return;
    if (isUpgrade(request)) {
      request.log.info(
        { code: refusal.code, field: refusal.field, status: refusal.status },
        'websocket upgrade refused',
      );
      refuseUpgrade(request, refusal);
      reply.hijack();
      return;
    }
    if (refusal.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer realm="keel"');
    throw refusal;
  });
}

function isUpgrade(request: FastifyRequest): boolean {
  return String(request.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

function check(request: FastifyRequest, options: RequestGuardOptions): ServerError | undefined {
  const { headers } = request;
  const name = hostName(headers.host);
  if (!options.anyHost && (name === undefined || !options.hostNames.has(name))) {
    // The name the client sent, never the configured ones.
    return new ServerError('HOST_NOT_ALLOWED', 421, `host ${JSON.stringify(name ?? '')} is not served here`, {
      field: 'host',
    });
  }
  const origin = headers.origin;
  if (origin !== undefined && !sameOrigin(origin, headers.host)) {
    return new ServerError('ORIGIN_NOT_ALLOWED', 403, 'origin: a request from another origin is refused', {
      field: 'origin',
    });
  }
  const api = isApiPath(request.url);
  const site = headers['sec-fetch-site'];
  if (api && site !== undefined && site !== 'same-origin' && site !== 'none') {
    return new ServerError('CROSS_SITE_REQUEST', 403, `sec-fetch-site: ${JSON.stringify(site)} is refused`, {
      field: 'sec-fetch-site',
    });
  }
  const writes = !SAFE_METHODS.has(request.method);
  if (writes && !isJson(headers['content-type'])) {
    return new ServerError(
      'UNSUPPORTED_MEDIA_TYPE',
      415,
      'content-type: state-changing requests must send application/json',
      { field: 'content-type' },
    );
  }
  if (options.token !== undefined) {
    if (!api || isOpenPath(request.url)) return undefined;
    const presented =
      bearerToken(headers.authorization) ??
      (isUpgrade(request) ? subprotocolToken(header(headers['sec-websocket-protocol'])) : undefined);
    if (presented === undefined || !tokensEqual(options.token, presented)) {
      return new ServerError('UNAUTHORIZED', 401, 'authorization: a valid bearer token is required', {
        field: 'authorization',
      });
    }
    return undefined;
  }
  // No token (loopback only). A browser always sends `Origin` on a POST, so a browser request
  // without same-origin proof is refused; a request with neither header is not from a browser
  // page and cannot be a cross-site forgery.
  if (writes && origin === undefined && site !== undefined && site !== 'same-origin') {
    return new ServerError('CROSS_SITE_REQUEST', 403, 'sec-fetch-site: same-origin proof is required', {
      field: 'sec-fetch-site',
    });
  }
  return undefined;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const media = contentType.split(';')[0]?.trim().toLowerCase();
  return media === 'application/json';
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase();
  } catch {
    // `null` (a sandboxed frame, a file: page) and anything unparsable.
    return false;
  }
}

/** `[::1]:8080` keeps its brackets; `localhost:8080` loses the port. */
export function hostName(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0];
  return name?.toLowerCase();
}

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  415: 'Unsupported Media Type',
  421: 'Misdirected Request',
};

/** Answers a refused upgrade on the raw socket (no WebSocket is ever opened) and closes it. */
function refuseUpgrade(request: FastifyRequest, error: ServerError): void {
  const { status, body } = toErrorResponse(error);
  const json = JSON.stringify(body);
  const socket = request.raw.socket;
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Refused'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n${status === 401 ? 'WWW-Authenticate: Bearer realm="keel"\r\n' : ''}\r\n${json}`,
  );
}
