import type { TelegramCatalog } from './catalog.js';

/** Keel's English wording for the compact Telegram card (§19.7). */
export const enUS: TelegramCatalog = {
  strategy_plugin_telegram_date: 'Date: {date}',
  strategy_plugin_telegram_market_state: 'Market state: {state}',
  strategy_plugin_telegram_background: 'Background: {background}',
  strategy_plugin_telegram_suggested_action: 'Suggested action: {action}',
  strategy_plugin_telegram_state_tail_risk: 'Tail risk',
  strategy_plugin_telegram_state_rebound_opportunity: 'Rebound opportunity',
  strategy_plugin_telegram_state_opportunity_vetoed: 'Opportunity vetoed, risk being reduced',
  strategy_plugin_telegram_state_data_guard: 'Data guard, signal held back',
  strategy_plugin_telegram_state_watch: 'Watch',
  strategy_plugin_telegram_state_needs_review: 'Needs a human review',
};
