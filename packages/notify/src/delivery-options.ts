import { z } from 'zod';

/**
 * Option schemas every channel shares, built with the channel's own defaults: Telegram paces one
 * message a second per chat while a webhook can take five, but the knobs, limits and documentation
 * are the same everywhere, so they live here once.
 */
export function rateLimitOptionsSchema(defaults: { perSecond: number; burst: number }) {
  return z
    .object({
      /** Sustained messages per second to one destination. */
      perSecond: z.number().positive().max(1000).default(defaults.perSecond),
      /** Messages that may go out back to back before pacing starts. */
      burst: z.number().int().min(1).max(1000).default(defaults.burst),
    })
    .prefault({});
}

export function retryOptionsSchema(defaults: { attempts: number; baseDelayMs: number; maxDelayMs: number }) {
  return z
    .object({
      /** Total tries per message, including the first. */
      attempts: z.number().int().min(1).max(10).default(defaults.attempts),
      /** First back-off delay; doubles per retry, with jitter. */
      baseDelayMs: z.number().int().min(0).max(60_000).default(defaults.baseDelayMs),
      /** Ceiling for one back-off or provider-requested wait; a longer wait fails the send as retryable. */
      maxDelayMs: z.number().int().min(0).max(600_000).default(defaults.maxDelayMs),
    })
    .prefault({});
}

/** Per-request timeout in ms, combined with the dispatcher's abort signal. */
export function timeoutOptionSchema(defaultMs: number) {
  return z.number().int().positive().max(300_000).default(defaultMs);
}
