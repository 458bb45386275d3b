import { z } from 'zod';
import { parseOptions } from './parse-options.js';
import { abortReason, realSleep, type Sleep } from './sleep.js';

/**
 * Options of {@link createTokenBucket}. Env-friendly names: `capacity` (burst size) and
 * `refillPerSecond` (sustained rate); `perMinute: 20` is `{ capacity: 20, refillPerSecond: 20 / 60 }`.
 */
export const TokenBucketOptionsSchema = z.object({
  /** Largest burst; the bucket starts full. */
  capacity: z.number().positive(),
  /** Tokens added per second. */
  refillPerSecond: z.number().positive(),
  now: z.custom<() => number>((v) => typeof v === 'function').optional(),
  sleep: z.custom<Sleep>((v) => typeof v === 'function').optional(),
});
export type TokenBucketOptions = z.input<typeof TokenBucketOptionsSchema>;

export interface TokenBucket {
  /** Waits (FIFO with other waiters) for a token and takes it. Rejects when `signal` aborts. */
  take(signal?: AbortSignal): Promise<void>;
  /** Takes a token if one is available right now and nobody is queued; never waits. */
  tryTake(): boolean;
  /** Stops handing out tokens for `ms` (e.g. a provider's `Retry-After`); affects every waiter. */
  pauseFor(ms: number): void;
  /** Stops handing out tokens until epoch ms `t`; a later pause never shortens an earlier one. */
  pauseUntil(t: number): void;
  /** Milliseconds until a token could be taken (0 when one is available now). */
  waitMs(): number;
  /** Tokens available now (fractional). */
  available(): number;
  /** Callers currently queued in `take`. */
  readonly pending: number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * A token bucket: `capacity` tokens, refilled continuously at `refillPerSecond`. `take()` waiters are
 * served strictly in arrival order by one pump, so a burst of 100 sends to one destination leaves at
 * the configured pace, and a `pauseFor` from a 429 holds back every queued sender, not just the one
 * that saw it.
 */
export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const opts = parseOptions(TokenBucketOptionsSchema, options, 'tokenBucket');
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const capacity = opts.capacity;
  const perMs = opts.refillPerSecond / 1000;
  let tokens = capacity;
  let last = now();
  let pausedUntil = Number.NEGATIVE_INFINITY;
  const queue: Waiter[] = [];
  let pumping = false;
  // Ends the pump's sleep when the last waiter aborts: a long pause (a Retry-After of an hour)
  // must not keep a timer, and with it the process, alive for nobody.
  let nap: AbortController | undefined;

  const refill = (): number => {
    const t = now();
    if (t > last) {
      tokens = Math.min(capacity, tokens + (t - last) * perMs);
      last = t;
    }
    return t;
  };

  const waitMs = (): number => {
    const t = refill();
    const pause = Math.max(0, pausedUntil - t);
    const deficit = tokens >= 1 ? 0 : (1 - tokens) / perMs;
    return Math.max(pause, Math.ceil(deficit));
  };

  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0) {
        const wait = waitMs();
        if (wait > 0) {
          const current = new AbortController();
          nap = current;
          try {
            await sleep(wait, current.signal);
          } catch (error) {
            // Woken because the queue emptied: the loop condition ends the pump. Anything else is a
            // broken sleep and must not turn into a busy loop.
            if (!current.signal.aborted) throw error;
          } finally {
            nap = undefined;
          }
          continue;
        }
        const waiter = queue.shift() as Waiter;
        tokens -= 1;
        if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
        waiter.resolve();
      }
    } finally {
      pumping = false;
    }
  };

  const pauseUntil = (t: number): void => {
    if (Number.isFinite(t) && t > pausedUntil) pausedUntil = t;
  };

  return {
    take(signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      if (queue.length === 0 && waitMs() === 0) {
        tokens -= 1;
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
        if (signal) {
          waiter.onAbort = () => {
            const index = queue.indexOf(waiter);
            if (index >= 0) queue.splice(index, 1);
            if (queue.length === 0) nap?.abort();
            reject(abortReason(signal));
          };
          signal.addEventListener('abort', waiter.onAbort, { once: true });
        }
        queue.push(waiter);
        void pump();
      });
    },
    tryTake(): boolean {
      if (queue.length > 0 || waitMs() > 0) return false;
      tokens -= 1;
      return true;
    },
    pauseFor(ms: number): void {
      if (Number.isFinite(ms) && ms > 0) pauseUntil(now() + ms);
    },
    pauseUntil,
    waitMs,
    available(): number {
      refill();
      return tokens;
    },
    get pending(): number {
      return queue.length;
    },
  };
}

/**
 * One bucket per destination key (a chat id, a phone number, an endpoint), created on first use with
 * the same options. Channel packages use it for per-destination pacing.
 */
export interface TokenBucketPool {
  get(key: string): TokenBucket;
  readonly size: number;
}

export function createTokenBucketPool(options: TokenBucketOptions): TokenBucketPool {
  parseOptions(TokenBucketOptionsSchema, options, 'tokenBucket');
  const buckets = new Map<string, TokenBucket>();
  return {
    get(key: string): TokenBucket {
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = createTokenBucket(options);
        buckets.set(key, bucket);
      }
      return bucket;
    },
    get size(): number {
      return buckets.size;
    },
  };
}
