import { retryAfterOf } from './errors.js';
import { retryWithBackoff } from './retry.js';
import type { Sleep } from './sleep.js';
import type { TokenBucket } from './token-bucket.js';

/** Options of {@link pacedDelivery}; `attempts`/`baseDelayMs`/`maxDelayMs` match the channels' `retry` option. */
export interface PacedDeliveryOptions {
  /**
   * The destination's bucket: every try takes a token; a provider-requested wait pauses it. Omit it
   * for a channel that is not paced per destination; the retries then behave as `retryWithBackoff`.
   */
  readonly bucket?: TokenBucket;
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly signal: AbortSignal;
  readonly sleep: Sleep;
  readonly onRetry?: (info: { error: unknown; attempt: number; delayMs: number }) => void;
}

/**
 * Runs one send under the destination's pacing with bounded retries (`retryWithBackoff`). When the
 * provider asks to wait (429 `Retry-After`, Telegram `retry_after`) the destination's bucket is
 * paused too, so every queued message to that destination holds back, not only the one that was
 * refused. A requested wait above `maxDelayMs` ends the retries with the error (still retryable), so
 * the outbox takes over instead of a send blocking for minutes.
 */
export function pacedDelivery<T>(send: () => Promise<T>, options: PacedDeliveryOptions): Promise<T> {
  const { bucket, signal } = options;
  return retryWithBackoff(
    async () => {
      await bucket?.take(signal);
      return send();
    },
    {
      attempts: options.attempts,
      baseMs: options.baseDelayMs,
      maxMs: options.maxDelayMs,
      signal,
      sleep: options.sleep,
      onRetry: (info) => {
        const requested = retryAfterOf(info.error);
        if (requested !== undefined) bucket?.pauseFor(requested);
        options.onRetry?.(info);
      },
    },
  );
}
