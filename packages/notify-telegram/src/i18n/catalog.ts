import { enUS } from './en-US.js';
import { zhCN } from './zh-CN.js';

/** Keys of the Telegram card catalog; each locale holds all of them (§19.7). */
export const TELEGRAM_CATALOG_KEYS = [
  'strategy_plugin_telegram_date',
  'strategy_plugin_telegram_market_state',
  'strategy_plugin_telegram_background',
  'strategy_plugin_telegram_suggested_action',
  'strategy_plugin_telegram_state_tail_risk',
  'strategy_plugin_telegram_state_rebound_opportunity',
  'strategy_plugin_telegram_state_opportunity_vetoed',
  'strategy_plugin_telegram_state_data_guard',
  'strategy_plugin_telegram_state_watch',
  'strategy_plugin_telegram_state_needs_review',
] as const;

export type TelegramCatalogKey = (typeof TELEGRAM_CATALOG_KEYS)[number];
export type TelegramCatalog = Readonly<Record<TelegramCatalogKey, string>>;

export const TELEGRAM_CATALOGS: Readonly<Record<'en-US' | 'zh-CN', TelegramCatalog>> = {
  'en-US': enUS,
  'zh-CN': zhCN,
};

/** `zh*` locales get the Chinese catalog; everything else (or no locale) gets English. */
export function catalogFor(locale: string | undefined): TelegramCatalog {
  return (locale ?? '').trim().toLowerCase().startsWith('zh') ? zhCN : enUS;
}

/** Fills `{name}` placeholders in one left-to-right pass; unknown placeholders stay as they are. */
export function fillTemplate(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => params[name] ?? whole);
}
