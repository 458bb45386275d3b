import {
  rateLimitOptionsSchema,
  readEnvList,
  readEnvNumberInto,
  readEnvText,
  retryOptionsSchema,
  timeoutOptionSchema,
} from '@keel/notify';
import { z } from 'zod';
import { normalizeE164 } from './e164.js';

/** Twilio's ceiling for one message body; longer text is split into several messages. */
export const PROVIDER_BODY_LIMIT = 1600;

export const SmsOptionsSchema = z.object({
  /** Account SID (`AC…`); part of the request path. */
  accountSid: z.string().trim().min(1).optional(),
  /** Auth token (HTTP Basic password). Secret. */
  authToken: z.string().trim().min(1).optional(),
  /** Sender: an E.164 number, short code or alphanumeric sender id, passed as given. */
  from: z.string().trim().min(1).optional(),
  /** Recipients, normalised to E.164 (§19.7); duplicates dropped after normalisation. */
  to: z
    .array(z.string())
    .default([])
    .transform((list, ctx) => {
      const out: string[] = [];
      for (const [i, raw] of list.entries()) {
        const n = normalizeE164(raw);
        if (n === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `not a phone number (got ${JSON.stringify(raw)})`,
          });
        } else if (!out.includes(n)) out.push(n);
      }
      return out;
    }),
  /** Twilio-compatible API base URL. */
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
  /** Longest text in code points before truncation (§19.7): effective `max(80, n)`. */
  maxLength: z.number().int().positive().default(800),
  /** Split size per message at the provider's body limit (≤ 1600). */
  segmentLength: z.number().int().min(70).max(PROVIDER_BODY_LIMIT).default(PROVIDER_BODY_LIMIT),
  /** Pacing per recipient number. */
  rateLimit: rateLimitOptionsSchema({ perSecond: 1, burst: 3 }),
  retry: retryOptionsSchema({ attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 }),
  timeoutMs: timeoutOptionSchema(10_000),
});

export type SmsOptions = z.input<typeof SmsOptionsSchema>;
export type ResolvedSmsOptions = z.output<typeof SmsOptionsSchema>;

/** Environment variable names read by {@link smsOptionsFromEnv}. */
export const SMS_ENV = {
  accountSid: 'KEEL_SMS_ACCOUNT_SID',
  authToken: 'KEEL_SMS_AUTH_TOKEN',
  from: 'KEEL_SMS_FROM',
  to: 'KEEL_SMS_TO',
  baseUrl: 'KEEL_SMS_BASE_URL',
  maxLength: 'KEEL_SMS_MAX_LENGTH',
  timeoutMs: 'KEEL_SMS_TIMEOUT_MS',
} as const;

/** Reads options from environment variables (names in {@link SMS_ENV}); `KEEL_SMS_TO` splits on `,`, `;`, newlines. */
export function smsOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): SmsOptions {
  const e = SMS_ENV;
  return {
    ...readEnvText(env, e.accountSid, 'accountSid'),
    ...readEnvText(env, e.authToken, 'authToken'),
    ...readEnvText(env, e.from, 'from'),
    ...readEnvList(env, e.to, 'to'),
    ...readEnvText(env, e.baseUrl, 'baseUrl'),
    ...readEnvNumberInto(env, e.maxLength, 'maxLength'),
    ...readEnvNumberInto(env, e.timeoutMs, 'timeoutMs'),
  };
}
