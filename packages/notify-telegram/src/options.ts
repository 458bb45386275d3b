import {
  rateLimitOptionsSchema,
  readEnvList,
  readEnvNumber,
  readEnvNumberInto,
  readEnvText,
  retryOptionsSchema,
  timeoutOptionSchema,
} from '@keel/notify';
import { z } from 'zod';

// Per-chat pacing: Telegram allows about one message per second in one chat.
export const TelegramOptionsSchema = z.object({
  /** Bot token from @BotFather. Secret. */
  botToken: z.string().trim().min(1).optional(),
  /** Chat ids (`-100…`, `12345`) or `@channelusername`; each gets its own copy. */
  chatIds: z.array(z.string().trim().min(1)).default([]),
  /** Bot API base URL (tests point this at 127.0.0.1). */
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
  /** Longest text in code points before truncation (§19.7): effective `max(80, min(n, 4096))`. */
  maxLength: z.number().int().positive().default(3900),
  /** Compact four-line card for `market_regime_control` alerts (§19.7). */
  compactCard: z.boolean().default(true),
  disableLinkPreview: z.boolean().default(true),
  disableNotification: z.boolean().default(false),
  rateLimit: rateLimitOptionsSchema({ perSecond: 1, burst: 1 }),
  retry: retryOptionsSchema({ attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 }),
  timeoutMs: timeoutOptionSchema(10_000),
});

export type TelegramOptions = z.input<typeof TelegramOptionsSchema>;
export type ResolvedTelegramOptions = z.output<typeof TelegramOptionsSchema>;

/** Environment variable names read by {@link telegramOptionsFromEnv}. */
export const TELEGRAM_ENV = {
  botToken: 'KEEL_TELEGRAM_BOT_TOKEN',
  chatIds: 'KEEL_TELEGRAM_CHAT_IDS',
  baseUrl: 'KEEL_TELEGRAM_BASE_URL',
  maxLength: 'KEEL_TELEGRAM_MAX_LENGTH',
  ratePerSecond: 'KEEL_TELEGRAM_RATE_PER_SECOND',
  rateBurst: 'KEEL_TELEGRAM_RATE_BURST',
  timeoutMs: 'KEEL_TELEGRAM_TIMEOUT_MS',
} as const;

/**
 * Reads options from environment variables (names in {@link TELEGRAM_ENV}); lists split on `,`, `;`
 * or newlines. Unset variables are left out so schema defaults apply; nothing is validated here.
 */
export function telegramOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): TelegramOptions {
  const e = TELEGRAM_ENV;
  const perSecond = readEnvNumber(env, e.ratePerSecond);
  const burst = readEnvNumber(env, e.rateBurst);
  return {
    ...readEnvText(env, e.botToken, 'botToken'),
    ...readEnvList(env, e.chatIds, 'chatIds'),
    ...readEnvText(env, e.baseUrl, 'baseUrl'),
    ...readEnvNumberInto(env, e.maxLength, 'maxLength'),
    ...readEnvNumberInto(env, e.timeoutMs, 'timeoutMs'),
    rateLimit: {
      ...(perSecond === undefined ? {} : { perSecond }),
      ...(burst === undefined ? {} : { burst }),
    },
  };
}
