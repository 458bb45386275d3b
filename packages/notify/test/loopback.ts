import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@keel/contract';
import { DeliveryError } from '../src/errors.js';
import { parseRetryAfter } from '../src/http.js';
import type { AlertMessage, DeliveryOutcome, Publisher, SendContext } from '../src/publisher.js';

export interface ReceivedRequest {
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: { alert_key: string; subject: string; body: string };
}

/** What the server answers to the n-th request (0-based); default 200. */
export type Responder = (
  n: number,
  req: ReceivedRequest,
) => { status: number; headers?: Record<string, string>; body?: string };

/** A real HTTP server on 127.0.0.1 that records every request and answers as scripted. */
export interface LoopbackServer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  respond: Responder;
  close(): Promise<void>;
}

export async function startLoopbackServer(
  respond: Responder = () => ({ status: 200 }),
): Promise<LoopbackServer> {
  const requests: ReceivedRequest[] = [];
  const state = { respond };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = {
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      };
      const n = requests.length;
      requests.push(received);
      const answer = state.respond(n, received);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(answer.body ?? '{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get respond() {
      return state.respond;
    },
    set respond(r: Responder) {
      state.respond = r;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

/**
 * A small HTTP publisher, shaped like the channel packages: POSTs the alert as JSON to the loopback
 * server with the token in the query string and a Bearer header (so redaction has something to do),
 * maps 429 + Retry-After to `retryAfterMs`, 5xx to retryable failures and 4xx to permanent ones.
 */
export function createLoopbackPublisher(opts: {
  url: string;
  token: string;
  channel?: string;
  missing?: readonly string[];
  throwOnFailure?: boolean;
}): Publisher {
  const channel = opts.channel ?? 'webhook';
  return {
    channel,
    secrets: [opts.token],
    missingConfig: () => opts.missing ?? [],
    async send(message: AlertMessage, ctx: SendContext): Promise<readonly DeliveryOutcome[]> {
      const target = `${opts.url}/hook?token=${opts.token}`;
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
        body: JSON.stringify({ alert_key: message.alertKey, subject: message.subject, body: message.body }),
        signal: ctx.signal,
      });
      await res.text();
      if (res.ok) return [{ ok: true, provider: `${channel}:loopback` }];
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), ctx.now());
      const text = `HTTP ${res.status} from ${target} (token ${opts.token})`;
      if (opts.throwOnFailure) {
        throw new DeliveryError(res.status === 429 ? 'RATE_LIMITED' : 'SEND_FAILED', text, {
          status: res.status,
          redact: ctx.redact,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        });
      }
      return [
        {
          ok: false,
          provider: `${channel}:loopback`,
          // Deliberately unredacted: the dispatcher must redact whatever a publisher reports.
          error: text,
          retryable: res.status === 429 || res.status >= 500,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        },
      ];
    },
  };
}

export interface LogEntry {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A Logger that keeps every entry, for asserting on structured events. */
export function createMemoryLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      entries.push({ level, message, fields });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Builds `n` distinct alert messages with QuantPlatformKit-shaped keys. */
export function makeAlerts(
  n: number,
  namespace = 'strategy_plugin_alert',
  extra: Record<string, unknown> = {},
): AlertMessage[] {
  return Array.from({ length: n }, (_, i) => {
    const day = `2026-05-${String((i % 28) + 1).padStart(2, '0')}`;
    const hex = i.toString(16).padStart(16, '0');
    return {
      alertKey: `${namespace}/ibkr-paper/tqqq_growth_income/market_regime_control/${day}/risk_off/defend/${hex}`,
      subject: `Market regime control: risk-off (#${i})`,
      body: `Strategy plugin alert\n\nTarget: tqqq_growth_income\nAlert ${i}`,
      locale: 'en-US',
      metadata: {
        target_type: 'strategy',
        target: 'tqqq_growth_income',
        plugin: 'market_regime_control',
        as_of: day,
        ...extra,
      },
    };
  });
}
