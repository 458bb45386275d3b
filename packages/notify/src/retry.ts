import { z } from 'zod';
import { isRetryable, retryAfterOf } from './errors.js';
import { parseOptions } from './parse-options.js';
import { abortReason, realSleep, type Sleep } from './sleep.js';

/** Options of {@link retryWithBackoff}. */
export const RetryOptionsSchema = z.object({
  /** Total tries including the first (1 = no retry). */
  attempts: z.number().int().min(1).max(100),
  /** Back-off before the 2nd try; doubles per try. */
  baseMs: z.number().min(0),
  /** Ceiling of one back-off step, and of an honoured `retryAfterMs` (longer waits are not retried). */
  maxMs: z.number().min(0),
  signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal).optional(),
  sleep: z.custom<Sleep>((v) => typeof v === 'function').optional(),
  /** `[0, 1)` source for jitter (injectable for deterministic tests). */
  random: z.custom<() => number>((v) => typeof v === 'function').optional(),
  shouldRetry: z
    .custom<(error: unknown, attempt: number) => boolean>((v) => typeof v === 'function')
    .optional(),
  retryAfterMs: z.custom<(error: unknown) => number | undefined>((v) => typeof v === 'function').optional(),
  onRetry: z
    .custom<(info: { error: unknown; attempt: number; delayMs: number }) => void>(
      (v) => typeof v === 'function',
    )
    .optional(),
});
export type RetryOptions = z.input<typeof RetryOptionsSchema>;

/**
 * Back-off before try `attempt + 1` after `attempt` failed: "equal jitter" over
 * `min(maxMs, baseMs * 2^(attempt-1))`, i.e. between half and all of the step, so concurrent
 * retriers spread out but never hammer with a zero delay.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * Calls `fn` until it resolves, at most `attempts` times. A failure is retried when `shouldRetry`
 * (default: `error.retryable !== false`) allows it. The wait is the jittered back-off, or the
 * provider's `retryAfterMs` (default: read from `error.retryAfterMs`, as `DeliveryError` carries it)
 * when that is longer; a requested wait beyond `maxMs` ends the retries at once, so the caller can
 * queue the item (outbox) instead of blocking. The last error is rethrown unchanged.
 */
export async function retryWithBackoff<T>(
  fn: (attempt: number, signal: AbortSignal | undefined) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const opts = parseOptions(RetryOptionsSchema, options, 'retry');
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const shouldRetry = opts.shouldRetry ?? ((error: unknown) => isRetryable(error));
  const readRetryAfter = opts.retryAfterMs ?? retryAfterOf;
  const { signal } = opts;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortReason(signal);
    try {
      return await fn(attempt, signal);
    } catch (error) {
      if (attempt >= opts.attempts || signal?.aborted || !shouldRetry(error, attempt)) throw error;
      const requested = readRetryAfter(error);
      if (requested !== undefined && requested > opts.maxMs) throw error;
      const delayMs = Math.max(requested ?? 0, backoffDelay(attempt, opts.baseMs, opts.maxMs, random));
      opts.onRetry?.({ error, attempt, delayMs });
      await sleep(delayMs, signal);
    }
  }
}
