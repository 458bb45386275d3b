import {
  rateLimitOptionsSchema,
  readEnvNumberInto,
  readEnvText,
  retryOptionsSchema,
  timeoutOptionSchema,
} from '@keel/notify';
import { z } from 'zod';

export const WEBHOOK_PRESETS = ['generic', 'slack', 'discord'] as const;
export type WebhookPreset = (typeof WEBHOOK_PRESETS)[number];

export const WebhookEndpointSchema = z.object({
  /** Where to POST. Slack and Discord URLs embed a token, so every URL is treated as a secret. */
  url: z.url({ protocol: /^https?$/ }),
  /** Shown as `webhook:<name>` in outcomes; default: the preset (numbered when a preset repeats). */
  name: z
    .string()
    .trim()
    .regex(/^[\w.-]{1,64}$/, 'use letters, digits, ".", "_" or "-" (1-64)')
    .optional(),
  /** Payload shape: `generic` (full JSON), `slack` (`{ text }` mrkdwn), `discord` (`{ content }`). */
  preset: z.enum(WEBHOOK_PRESETS).default('generic'),
  /** HMAC-SHA256 key for `X-Keel-Signature`; without it only `X-Keel-Timestamp` is sent. Secret. */
  secret: z.string().min(1).optional(),
  /** Extra request headers (e.g. an `Authorization` for a gateway). Values are treated as secrets. */
  headers: z
    .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name'), z.string())
    .default({}),
});

export const WebhookOptionsSchema = z.object({
  endpoints: z.array(WebhookEndpointSchema).default([]),
  /** Longest text in code points (§19.7): effective `max(80, min(n, 4096))`; Discord also ≤ 2000. */
  maxLength: z.number().int().positive().default(4000),
  /** Pacing per endpoint. */
  rateLimit: rateLimitOptionsSchema({ perSecond: 5, burst: 5 }),
  retry: retryOptionsSchema({ attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 }),
  timeoutMs: timeoutOptionSchema(10_000),
});

export type WebhookEndpoint = z.input<typeof WebhookEndpointSchema>;
export type WebhookOptions = z.input<typeof WebhookOptionsSchema>;
export type ResolvedWebhookOptions = z.output<typeof WebhookOptionsSchema>;

/** Environment variable names read by {@link webhookOptionsFromEnv}. */
export const WEBHOOK_ENV = {
  url: 'KEEL_WEBHOOK_URL',
  secret: 'KEEL_WEBHOOK_SECRET',
  preset: 'KEEL_WEBHOOK_PRESET',
  name: 'KEEL_WEBHOOK_NAME',
  endpoints: 'KEEL_WEBHOOK_ENDPOINTS',
  maxLength: 'KEEL_WEBHOOK_MAX_LENGTH',
  timeoutMs: 'KEEL_WEBHOOK_TIMEOUT_MS',
} as const;

/**
 * Reads options from environment variables: one endpoint from `KEEL_WEBHOOK_URL` (+ `_SECRET`,
 * `_PRESET`, `_NAME`), and/or more from `KEEL_WEBHOOK_ENDPOINTS`, a JSON array of endpoint objects.
 * Malformed JSON is passed on as text so the schema rejects it naming `endpoints`.
 */
export function webhookOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): WebhookOptions {
  const e = WEBHOOK_ENV;
  const endpoints: unknown[] = [];
  const url = env[e.url]?.trim();
  if (url) {
    endpoints.push({
      url,
      ...readEnvText(env, e.secret, 'secret'),
      ...readEnvText(env, e.preset, 'preset'),
      ...readEnvText(env, e.name, 'name'),
    });
  }
  const list = env[e.endpoints]?.trim();
  let extra: unknown = [];
  if (list) {
    try {
      extra = JSON.parse(list);
    } catch {
      extra = list;
    }
  }
  return {
    endpoints: (Array.isArray(extra) ? [...endpoints, ...extra] : extra) as WebhookEndpoint[],
    ...readEnvNumberInto(env, e.maxLength, 'maxLength'),
    ...readEnvNumberInto(env, e.timeoutMs, 'timeoutMs'),
  };
}
