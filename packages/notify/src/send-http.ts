import { DeliveryError } from './errors.js';
import type { Redactor } from './redact.js';

/** What {@link sendHttp} returns: the status, headers and the whole body as text. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** The request part of {@link sendHttp}. */
export interface SendHttpRequest {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Timeout, cancellation and redaction of {@link sendHttp}. */
export interface SendHttpOptions {
  /** Limit for this one request; a timeout is a retryable `TIMEOUT`. */
  readonly timeoutMs: number;
  /** The caller's signal (usually `SendContext.signal`); its abort is a non-retryable `SEND_FAILED`. */
  readonly signal: AbortSignal;
  /** Applied to every error message, since transport errors often echo the URL and its token. */
  readonly redact: Redactor;
}

/**
 * One HTTP request for an HTTP-based channel, with a per-request timeout combined with the caller's
 * abort signal. It exists so every channel classifies transport failures alike for the retry loop
 * and the outbox: a timeout is `TIMEOUT` (retryable), a network error `SEND_FAILED` (retryable,
 * naming the underlying cause), the caller's abort `SEND_FAILED` (not retryable). Redirects are
 * refused, so credentials never follow a redirect to another host. The response is returned
 * whatever its status, for the channel to classify.
 */
export async function sendHttp(
  url: string,
  request: SendHttpRequest,
  options: SendHttpOptions,
): Promise<HttpResponse> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  try {
    const res = await fetch(url, { ...request, signal, redirect: 'error' });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (error) {
    if (options.signal.aborted) {
      throw new DeliveryError('SEND_FAILED', 'request aborted by the caller', {
        retryable: false,
        redact: options.redact,
        cause: error,
      });
    }
    if (signal.aborted) {
      throw new DeliveryError('TIMEOUT', `request timed out after ${options.timeoutMs} ms`, {
        redact: options.redact,
        cause: error,
      });
    }
    const detail = error instanceof Error ? describeCause(error) : String(error);
    throw new DeliveryError('SEND_FAILED', `request failed: ${detail}`, {
      redact: options.redact,
      cause: error,
    });
  }
}

// `fetch failed` says nothing; the cause (`ECONNREFUSED 127.0.0.1:1234`) says what happened.
function describeCause(error: Error): string {
  const cause = error.cause;
  if (cause instanceof Error && cause.message !== '') return `${error.message} (${cause.message})`;
  return error.message;
}
