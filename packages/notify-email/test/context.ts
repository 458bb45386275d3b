import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@keel/contract';
import type { SendContext } from '@keel/notify';

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

/** A send context whose `redact` is the identity, so the tests see only the publisher's own redaction. */
export function testContext(overrides: Partial<SendContext> = {}): SendContext & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return {
    signal: new AbortController().signal,
    redact: (text) => text,
    log,
    now: Date.now,
    ...overrides,
    lines,
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
