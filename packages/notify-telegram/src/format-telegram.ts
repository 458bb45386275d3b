import { type AlertMessage, effectiveLimit, splitMessage, truncateText } from '@keel/notify';
import { escapedWeight, escapeHtml } from './html-escape.js';
import { buildTelegramCard } from './telegram-card.js';
import { insertWordJoiners } from './word-joiner.js';

/** Telegram's hard ceiling for one `sendMessage` text. */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

const BOLD_OPEN = '<b>';
const BOLD_CLOSE = '</b>';

export interface TelegramFormatOptions {
  /** Configured length limit in code points (§19.7); the effective limit is `max(80, min(n, 4096))`. */
  readonly maxLength: number;
  /** Use the compact card for `market_regime_control` alerts. */
  readonly compactCard: boolean;
}

/**
 * Renders an alert as Telegram HTML parts, each within 4096 UTF-16 units once escaped. The plain
 * text (bold subject, blank line, body; or the compact card with no title) is truncated to the
 * configured limit first (§19.7); escaping can still push it over 4096, hence the split.
 */
export function formatTelegramMessage(message: AlertMessage, options: TelegramFormatOptions): string[] {
  const card = options.compactCard ? buildTelegramCard(message) : undefined;
  const title = card === undefined ? message.subject.trim() : '';
  const body = card ?? message.body.trim();
  const plain = [title, body].filter((s) => s !== '').join('\n\n');
  const limit = effectiveLimit(options.maxLength, TELEGRAM_MESSAGE_LIMIT);
  const text = insertWordJoiners(truncateText(plain, limit));
  const boldTitle = insertWordJoiners(title);
  // Every part reserves room for the bold tags, which only the first part can carry.
  const parts = splitMessage(
    text,
    TELEGRAM_MESSAGE_LIMIT - BOLD_OPEN.length - BOLD_CLOSE.length,
    escapedWeight,
  );
  return parts.map((part, i) => {
    if (i === 0 && boldTitle !== '' && part.startsWith(boldTitle)) {
      return `${BOLD_OPEN}${escapeHtml(boldTitle)}${BOLD_CLOSE}${escapeHtml(part.slice(boldTitle.length))}`;
    }
    return escapeHtml(part);
  });
}
