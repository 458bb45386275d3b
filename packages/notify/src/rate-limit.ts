import { z } from 'zod';
import { parseOptions } from './parse-options.js';
import { abortReason, realSleep, type Sleep } from './sleep.js';
import { createTokenBucket, type TokenBucket } from './token-bucket.js';

/** One channel's limits (§19.8). Env-friendly: `KEEL_ALERT_RATE_<CHANNEL>_PER_MINUTE` / `_PER_HOUR`. */
export const ChannelRateLimitSchema = z.object({
  perMinute: z.number().positive().optional(),
  perHour: z.number().positive().optional(),
  /**
   * Largest burst per window (default: the window's full count). `burst: 1` paces evenly, so no
   * window of that length ever holds more than the limit; the default lets an idle channel send a
   * full window's worth at once, as token buckets do.
   */
  burst: z.number().positive().optional(),
});
export type ChannelRateLimitConfig = z.input<typeof ChannelRateLimitSchema>;

export const RateLimitsConfigSchema = z.record(z.string(), ChannelRateLimitSchema);
/** `rateLimits: { telegram: { perMinute: 20 }, sms: { perHour: 30 } }` */
export type RateLimitsConfig = z.input<typeof RateLimitsConfigSchema>;

/** A channel's limiter: every configured window must have a token for a send to go out. */
export interface ChannelRateLimit {
  /** Takes a token from every window if all have one now. */
  tryAcquire(): boolean;
  /** Waits until every window has a token, then takes them. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Holds the whole channel back (a provider's `Retry-After`). */
  pauseFor(ms: number): void;
  /** Milliseconds until `tryAcquire` could succeed. */
  waitMs(): number;
}

/** Rate limits for all channels, kept across dispatch runs so the windows carry over. */
export interface ChannelRateLimits {
  forChannel(channel: string): ChannelRateLimit | undefined;
}

export interface ChannelRateLimitsOptions {
  now?: () => number;
  sleep?: Sleep;
}

/** Token buckets per channel: `perMinute: n` allows a burst of n and then n per minute; same per hour. */
export function createChannelRateLimits(
  config: RateLimitsConfig,
  options: ChannelRateLimitsOptions = {},
): ChannelRateLimits {
  const parsed = parseOptions(RateLimitsConfigSchema, config, 'rateLimits');
  const sleep = options.sleep ?? realSleep;
  const limits = new Map<string, ChannelRateLimit>();
  for (const [channel, limit] of Object.entries(parsed)) {
    const buckets: TokenBucket[] = [];
    const clock = options.now === undefined ? {} : { now: options.now };
    if (limit.perMinute !== undefined) {
      buckets.push(
        createTokenBucket({
          capacity: Math.min(limit.perMinute, limit.burst ?? limit.perMinute),
          refillPerSecond: limit.perMinute / 60,
          ...clock,
        }),
      );
    }
    if (limit.perHour !== undefined) {
      buckets.push(
        createTokenBucket({
          capacity: Math.min(limit.perHour, limit.burst ?? limit.perHour),
          refillPerSecond: limit.perHour / 3600,
          ...clock,
        }),
      );
    }
    if (buckets.length === 0) continue;
    const waitMs = (): number => Math.max(0, ...buckets.map((b) => b.waitMs()));
    const take = (): void => {
      for (const b of buckets) b.tryTake();
    };
    limits.set(channel.trim().toLowerCase(), {
      tryAcquire() {
        if (waitMs() > 0) return false;
        take();
        return true;
      },
      async acquire(signal) {
        for (;;) {
          if (signal?.aborted) throw abortReason(signal);
          const wait = waitMs();
          if (wait === 0) {
            take();
            return;
          }
          await sleep(wait, signal);
        }
      },
      pauseFor(ms) {
        for (const b of buckets) b.pauseFor(ms);
      },
      waitMs,
    });
  }
  return { forChannel: (channel) => limits.get(channel) };
}

/** True for an already-built {@link ChannelRateLimits} (as opposed to a config object). */
export function isChannelRateLimits(value: unknown): value is ChannelRateLimits {
  return typeof (value as { forChannel?: unknown } | null)?.forChannel === 'function';
}
