import {
  type AlertMessage,
  createRedactor,
  createTokenBucketPool,
  type DeliveryOutcome,
  failedOutcome,
  pacedDelivery,
  parseOptions,
  type Publisher,
  type PublisherRuntime,
  realSleep,
  retryLogger,
  type SendContext,
} from '@keel/notify';
import { formatTelegramMessage } from './format-telegram.js';
import { type ResolvedTelegramOptions, type TelegramOptions, TelegramOptionsSchema } from './options.js';
import { sendTelegramMessage } from './telegram-api.js';

/** Test and embedding hooks; production code leaves these unset. */
export type TelegramRuntime = PublisherRuntime;

/**
 * A Telegram Bot API publisher: one `sendMessage` per chat (and per part when a long message is
 * split), each chat paced by its own token bucket, with bounded retries on 429/5xx/network errors.
 * Missing `botToken` or `chatIds` make `missingConfig()` non-empty instead of throwing, so the
 * dispatcher reports `missing_telegram_config`; malformed values throw `NotifyConfigError`.
 */
export function createTelegramPublisher(
  options: TelegramOptions = {},
  runtime: TelegramRuntime = {},
): Publisher {
  const opts: ResolvedTelegramOptions = parseOptions(TelegramOptionsSchema, options, 'telegram', {
    secretFields: ['botToken'],
  });
  const secrets = opts.botToken === undefined ? [] : [opts.botToken];
  const ownRedact = createRedactor(secrets);
  const sleep = runtime.sleep ?? realSleep;
  const buckets = createTokenBucketPool({
    capacity: opts.rateLimit.burst,
    refillPerSecond: opts.rateLimit.perSecond,
    sleep,
    ...(runtime.now === undefined ? {} : { now: runtime.now }),
  });

  const sendToChat = async (
    chatId: string,
    parts: readonly string[],
    ctx: SendContext,
    redact: (text: string) => string,
  ): Promise<DeliveryOutcome> => {
    const provider = `telegram:${chatId}`;
    for (const [index, html] of parts.entries()) {
      try {
        await pacedDelivery(
          () =>
            sendTelegramMessage({
              baseUrl: opts.baseUrl,
              botToken: opts.botToken ?? '',
              chatId,
              html,
              disableLinkPreview: opts.disableLinkPreview,
              disableNotification: opts.disableNotification,
              timeoutMs: opts.timeoutMs,
              signal: ctx.signal,
              redact,
            }),
          {
            ...opts.retry,
            bucket: buckets.get(chatId),
            signal: ctx.signal,
            sleep,
            onRetry: retryLogger(ctx.log, 'telegram send retry', provider, redact),
          },
        );
      } catch (error) {
        const where = parts.length > 1 ? ` (part ${index + 1}/${parts.length})` : '';
        const failure = failedOutcome(provider, error, redact, where);
        // `describeError` leaves the error's name as thrown; redacting the whole line keeps a custom
        // error name that echoes the bot token out of the outcome.
        return { ...failure, error: redact(failure.error ?? '') };
      }
    }
    return { ok: true, provider };
  };

  return {
    channel: 'telegram',
    secrets,
    missingConfig() {
      const missing: string[] = [];
      if (opts.botToken === undefined) missing.push('botToken');
      if (opts.chatIds.length === 0) missing.push('chatIds');
      return missing;
    },
    async send(message: AlertMessage, ctx: SendContext): Promise<readonly DeliveryOutcome[]> {
      const redact = (text: string): string => ctx.redact(ownRedact(text));
      const parts = formatTelegramMessage(message, opts);
      if (parts.length === 0) {
        return opts.chatIds.map((chatId) => ({
          ok: false,
          provider: `telegram:${chatId}`,
          error: 'empty message: subject and body are blank',
          retryable: false,
        }));
      }
      // Chats are independent destinations with their own buckets, so they are served concurrently.
      return Promise.all([...new Set(opts.chatIds)].map((chatId) => sendToChat(chatId, parts, ctx, redact)));
    },
  };
}
