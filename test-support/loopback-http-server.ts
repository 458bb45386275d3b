import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// Test-only support for the channel packages (`@keel/notify-*`): a real server on 127.0.0.1, so
// publisher tests exercise fetch, timeouts, retries and redaction end to end without a network.
// No package exports it; tests import it by relative path. It imports no workspace package because
// every package's test typecheck includes this folder, and `@keel/*` does not resolve from here.

/** One request as the loopback server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /**
   * When the request arrived, on the server's clock: `performance.now()` unless the test passed its
   * own `now` (an injected clock shared with the publisher, so arrivals and schedules compare).
   */
  readonly at: number;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export type Handler = (req: RecordedRequest, index: number) => Reply | Promise<Reply>;

export interface LoopbackServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  handler: Handler;
  close(): Promise<void>;
}

export interface LoopbackServerOptions {
  /** Clock stamped on each request as `at` (default `performance.now`). */
  readonly now?: () => number;
}

/** A real HTTP server on 127.0.0.1 (port 0) that records every request and replies via `handler`. */
export async function startLoopbackServer(
  handler: Handler,
  options: LoopbackServerOptions = {},
): Promise<LoopbackServer> {
  const now = options.now ?? (() => performance.now());
  const requests: RecordedRequest[] = [];
  const state: { handler: Handler } = { handler };
  const server: Server = createServer((req, res) => {
    const at = now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at,
      };
      const index = requests.push(recorded) - 1;
      Promise.resolve(state.handler(recorded, index)).then(
        (reply) => {
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          res.end(reply.body ?? '');
        },
        (error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get handler() {
      return state.handler;
    },
    set handler(h: Handler) {
      state.handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that was free a moment ago, for "connection refused" tests. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

/** `Logger` of `@keel/contract`, spelled out structurally (see the note at the top). */
export interface TestLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** `SendContext` of `@keel/notify`, spelled out structurally (see the note at the top). */
export interface TestSendContext {
  readonly signal: AbortSignal;
  readonly redact: (text: string) => string;
  readonly log: TestLogger;
  readonly now: () => number;
}

/** A send context whose `redact` is the identity, so the tests see only the publisher's own redaction. */
export function testContext(
  overrides: Partial<TestSendContext> = {},
): TestSendContext & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  const log: TestLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return {
    signal: new AbortController().signal,
    redact: (text) => text,
    log,
    now: Date.now,
    ...overrides,
    lines,
  };
}
