import {
  rateLimitOptionsSchema,
  readEnvList,
  readEnvNumberInto,
  readEnvText,
  retryOptionsSchema,
  timeoutOptionSchema,
} from '@keel/notify';
import { z } from 'zod';

const PRIORITY_NAMES = { min: 1, low: 2, default: 3, high: 4, max: 5, urgent: 5 } as const;

export const PushOptionsSchema = z.object({
  /** ntfy-compatible server. */
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://ntfy.sh'),
  /** Topic to publish to. On public servers the topic name is the only protection, so keep it unguessable. */
  topic: z
    .string()
    .trim()
    .regex(/^[-_A-Za-z0-9]{1,64}$/, 'use letters, digits, "-" or "_" (1-64)')
    .optional(),
  /** Access token (`Authorization: Bearer`). Secret. */
  token: z.string().trim().min(1).optional(),
  /** Basic-auth user, with `password` (used when no `token` is set). */
  user: z.string().trim().min(1).optional(),
  /** Basic-auth password. Secret. */
  password: z.string().min(1).optional(),
  /** 1 (min) … 5 (max/urgent), or the ntfy names. */
  priority: z
    .union([z.number().int().min(1).max(5), z.enum(['min', 'low', 'default', 'high', 'max', 'urgent'])])
    .default(3)
    .transform((p) => (typeof p === 'number' ? p : PRIORITY_NAMES[p])),
  /** ntfy tags (emoji short codes such as `warning` show as icons). */
  tags: z.array(z.string().trim().min(1)).default([]),
  /** URL opened when the notification is tapped. */
  click: z.url().optional(),
  /** Longest text in code points before truncation (§19.7): effective `max(80, n)`. */
  maxLength: z.number().int().positive().default(1800),
  /** Pacing for the topic. */
  rateLimit: rateLimitOptionsSchema({ perSecond: 1, burst: 10 }),
  retry: retryOptionsSchema({ attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 }),
  timeoutMs: timeoutOptionSchema(10_000),
});

export type PushOptions = z.input<typeof PushOptionsSchema>;
export type ResolvedPushOptions = z.output<typeof PushOptionsSchema>;

/** Environment variable names read by {@link pushOptionsFromEnv}. */
export const PUSH_ENV = {
  baseUrl: 'KEEL_PUSH_BASE_URL',
  topic: 'KEEL_PUSH_TOPIC',
  token: 'KEEL_PUSH_TOKEN',
  user: 'KEEL_PUSH_USER',
  password: 'KEEL_PUSH_PASSWORD',
  priority: 'KEEL_PUSH_PRIORITY',
  tags: 'KEEL_PUSH_TAGS',
  click: 'KEEL_PUSH_CLICK',
  maxLength: 'KEEL_PUSH_MAX_LENGTH',
  timeoutMs: 'KEEL_PUSH_TIMEOUT_MS',
} as const;

/** Reads options from environment variables (names in {@link PUSH_ENV}); `KEEL_PUSH_TAGS` splits on `,`, `;`, newlines. */
export function pushOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): PushOptions {
  const e = PUSH_ENV;
  const priority = env[e.priority]?.trim();
  return {
    ...readEnvText(env, e.baseUrl, 'baseUrl'),
    ...readEnvText(env, e.topic, 'topic'),
    ...readEnvText(env, e.token, 'token'),
    ...readEnvText(env, e.user, 'user'),
    ...readEnvText(env, e.password, 'password'),
    ...(priority
      ? { priority: (/^\d+$/.test(priority) ? Number(priority) : priority) as PushOptions['priority'] }
      : {}),
    ...readEnvList(env, e.tags, 'tags'),
    ...readEnvText(env, e.click, 'click'),
    ...readEnvNumberInto(env, e.maxLength, 'maxLength'),
    ...readEnvNumberInto(env, e.timeoutMs, 'timeoutMs'),
  };
}
