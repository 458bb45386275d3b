import { type AlertMessage, effectiveLimit, truncateText } from '@keel/notify';
import type { WebhookPreset } from './options.js';

/** Hard ceilings: webhook text at most 4096 (§19.7), Discord `content` at most 2000. */
export const WEBHOOK_TEXT_CEILING = 4096;
export const DISCORD_CONTENT_LIMIT = 2000;

/** Slack mrkdwn needs only `& < >` escaped; everything else is literal text. */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function plainText(message: AlertMessage, limit: number): string {
  const parts = [message.subject.trim(), message.body.trim()].filter((s) => s !== '');
  return truncateText(parts.join('\n\n'), limit);
}

/**
 * The JSON payload for one endpoint's preset. Truncation follows §19.7 on code points; the Slack
 * escape may lengthen the text, which Slack accepts (its own limit is far above 4096).
 */
export function buildWebhookPayload(
  message: AlertMessage,
  preset: WebhookPreset,
  maxLength: number,
): unknown {
  const limit = effectiveLimit(maxLength, WEBHOOK_TEXT_CEILING);
  switch (preset) {
    case 'slack': {
      const text = plainText(message, limit);
      const subject = message.subject.trim();
      const bold = subject !== '' && !subject.includes('*') && text.startsWith(subject);
      return {
        text: bold
          ? `*${escapeSlackText(subject)}*${escapeSlackText(text.slice(subject.length))}`
          : escapeSlackText(text),
        mrkdwn: true,
      };
    }
    case 'discord':
      // `allowed_mentions` off: an alert must never ping @everyone because a plugin wrote it.
      return {
        content: plainText(message, Math.min(limit, DISCORD_CONTENT_LIMIT)),
        allowed_mentions: { parse: [] },
      };
    case 'generic':
      return {
        alert_key: message.alertKey,
        subject: message.subject,
        body: truncateText(message.body, limit),
        locale: message.locale ?? null,
        metadata: message.metadata,
      };
  }
}
