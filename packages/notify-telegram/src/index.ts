export { createTelegramPublisher, type TelegramRuntime } from './telegram-publisher.js';
export {
  TELEGRAM_ENV,
  type ResolvedTelegramOptions,
  type TelegramOptions,
  TelegramOptionsSchema,
  telegramOptionsFromEnv,
} from './options.js';
export {
  formatTelegramMessage,
  TELEGRAM_MESSAGE_LIMIT,
  type TelegramFormatOptions,
} from './format-telegram.js';
export { buildTelegramCard, type MarketStateGroup, marketStateGroup } from './telegram-card.js';
export {
  TELEGRAM_CATALOG_KEYS,
  TELEGRAM_CATALOGS,
  type TelegramCatalog,
  type TelegramCatalogKey,
} from './i18n/catalog.js';
export { escapeHtml } from './html-escape.js';
// Re-exported so existing imports of `splitMessage` from this package keep working.
export { splitMessage } from '@keel/notify';
export { insertWordJoiners, WORD_JOINER } from './word-joiner.js';
