import type { TelegramCatalog } from './catalog.js';

/** Keel's Simplified Chinese wording for the compact Telegram card (§19.7). */
export const zhCN: TelegramCatalog = {
  strategy_plugin_telegram_date: '日期：{date}',
  strategy_plugin_telegram_market_state: '市场状态：{state}',
  strategy_plugin_telegram_background: '背景：{background}',
  strategy_plugin_telegram_suggested_action: '建议操作：{action}',
  strategy_plugin_telegram_state_tail_risk: '尾部风险',
  strategy_plugin_telegram_state_rebound_opportunity: '反弹机会',
  strategy_plugin_telegram_state_opportunity_vetoed: '机会被否决，正在降低风险',
  strategy_plugin_telegram_state_data_guard: '数据防护，信号暂不可用',
  strategy_plugin_telegram_state_watch: '观察',
  strategy_plugin_telegram_state_needs_review: '需要人工复核',
};
