import { createConsolePublisher, createFilePublisher, parseChannelList, type Publisher } from '@keel/notify';
import { createEmailPublisher, emailOptionsFromEnv } from '@keel/notify-email';
import { createPushPublisher, pushOptionsFromEnv } from '@keel/notify-push';
import { createSmsPublisher, smsOptionsFromEnv } from '@keel/notify-sms';
import { createTelegramPublisher, telegramOptionsFromEnv } from '@keel/notify-telegram';
import { createWebhookPublisher, webhookOptionsFromEnv } from '@keel/notify-webhook';

type Env = Readonly<Record<string, string | undefined>>;

/** Where the console channel prints (default stdout; `--json` moves it to stderr so stdout stays JSON). */
export interface PublisherOptions {
  readonly consoleStream?: NodeJS.WritableStream;
}

const FACTORIES: Record<string, (env: Env, options: PublisherOptions) => Publisher> = {
  console: (_env, options) =>
    createConsolePublisher(options.consoleStream === undefined ? {} : { stream: options.consoleStream }),
  file: (env) => createFilePublisher({ path: env.KEEL_ALERT_FILE ?? '.keel/alerts.jsonl' }),
  email: (env) => createEmailPublisher(emailOptionsFromEnv(env)),
  sms: (env) => createSmsPublisher(smsOptionsFromEnv(env)),
  push: (env) => createPushPublisher(pushOptionsFromEnv(env)),
  telegram: (env) => createTelegramPublisher(telegramOptionsFromEnv(env)),
  webhook: (env) => createWebhookPublisher(webhookOptionsFromEnv(env)),
};

/**
 * Publishers for the configured channels. Credentials and endpoints come from the environment
 * (`KEEL_TELEGRAM_BOT_TOKEN`, `KEEL_SMTP_HOST`, ...); a channel without them is reported as
 * `missing_<channel>_config` by the dispatcher rather than failing the run.
 */
export function publishersFor(
  channels: string,
  env: Env = process.env,
  options: PublisherOptions = {},
): { channels: string[]; publishers: Publisher[] } {
  const names = channelNames(channels);
  return { channels: names, publishers: names.map((name) => FACTORIES[name]!(env, options)) };
}

/** The configured channel list, validated and in dispatch order, without creating any publisher. */
export function channelNames(channels: string): string[] {
  return parseChannelList(channels, { extraChannels: ['console', 'file'] });
}
