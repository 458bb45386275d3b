import { afterEach, describe, expect, it } from 'vitest';
import {
  closedPort,
  type LoopbackServer,
  startLoopbackServer,
} from '../../../test-support/loopback-http-server.ts';
import { DeliveryError } from './errors.js';
import { createRedactor } from './redact.js';
import { sendHttp } from './send-http.js';

const redact = createRedactor(['s3cr3t-token']);
const request = { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' };

async function rejection(promise: Promise<unknown>): Promise<DeliveryError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(error)}`);
  return error;
}

describe('sendHttp', () => {
  let server: LoopbackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('returns the response whatever its status', async () => {
    server = await startLoopbackServer(() => ({
      status: 503,
      headers: { 'retry-after': '2' },
      body: 'busy',
    }));
    const res = await sendHttp(server.url, request, {
      timeoutMs: 5000,
      signal: new AbortController().signal,
      redact,
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.text).toBe('busy');
    expect(server.requests[0]?.body).toBe('hello');
  });

  it('turns a refused connection into a retryable SEND_FAILED naming the cause', async () => {
    const port = await closedPort();
    const error = await rejection(
      sendHttp(`http://127.0.0.1:${port}/?token=s3cr3t-token`, request, {
        timeoutMs: 5000,
        signal: new AbortController().signal,
        redact,
      }),
    );
    expect(error.code).toBe('SEND_FAILED');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^request failed: .*\(.+\)$/);
    expect(error.message).not.toContain('s3cr3t-token');
  });

  it('distinguishes its own timeout (retryable) from the caller aborting (not retryable)', async () => {
    server = await startLoopbackServer(() => new Promise(() => {}));
    const timeout = await rejection(
      sendHttp(server.url, request, { timeoutMs: 50, signal: new AbortController().signal, redact }),
    );
    expect(timeout.code).toBe('TIMEOUT');
    expect(timeout.retryable).toBe(true);

    const caller = new AbortController();
    const pending = sendHttp(server.url, request, { timeoutMs: 5000, signal: caller.signal, redact });
    setTimeout(() => caller.abort(), 20);
    const aborted = await rejection(pending);
    expect(aborted.code).toBe('SEND_FAILED');
    expect(aborted.retryable).toBe(false);
  });
});
