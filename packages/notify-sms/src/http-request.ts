import { DeliveryError, type Redactor } from '@keel/notify';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * One HTTP request with a per-request timeout combined with the caller's abort signal. Transport
 * failures become `DeliveryError`s (a timeout `TIMEOUT`, retryable; a network error `SEND_FAILED`,
 * retryable; the caller's abort `SEND_FAILED`, not retryable). The response is returned whatever its
 * status, for the caller to classify.
 */
export async function httpRequest(
  url: string,
  init: { readonly method: string; readonly headers: Record<string, string>; readonly body?: string },
  options: { readonly timeoutMs: number; readonly signal: AbortSignal; readonly redact: Redactor },
): Promise<HttpResponse> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  try {
    const res = await fetch(url, { ...init, signal, redirect: 'error' });
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
