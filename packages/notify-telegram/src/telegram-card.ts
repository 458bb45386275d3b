import type { AlertMessage } from '@keel/notify';
import { catalogFor, fillTemplate, type TelegramCatalogKey } from './i18n/catalog.js';

export type MarketStateGroup =
  | 'tail_risk'
  | 'rebound_opportunity'
  | 'opportunity_vetoed'
  | 'data_guard'
  | 'watch'
  | 'needs_review';

const ROUTE_GROUPS: Readonly<Record<string, MarketStateGroup>> = {
  true_crisis: 'tail_risk',
  crisis: 'tail_risk',
  risk_off: 'tail_risk',
  opportunity_watch: 'rebound_opportunity',
  panic_reversal: 'rebound_opportunity',
  taco_rebound: 'rebound_opportunity',
  risk_reduced: 'opportunity_vetoed',
  delever: 'opportunity_vetoed',
  blocked: 'data_guard',
  watch: 'watch',
};

/** Maps a canonical route to its market-state group (§19.7); unknown routes need review. */
export function marketStateGroup(route: unknown): MarketStateGroup {
  const key = typeof route === 'string' ? route.trim().toLowerCase() : '';
  return ROUTE_GROUPS[key] ?? 'needs_review';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * The compact four-line card for `market_regime_control` alerts (date, market state, background,
 * suggested action), worded in the message's locale; `undefined` when the message does not qualify
 * (another plugin, or an empty situation or recommendation), so it is sent as subject + body.
 */
export function buildTelegramCard(message: AlertMessage): string | undefined {
  const meta = message.metadata;
  if (text(meta.plugin).toLowerCase() !== 'market_regime_control') return undefined;
  const situation = text(meta.situation);
  const recommendation = text(meta.recommendation);
  if (situation === '' || recommendation === '') return undefined;
  const catalog = catalogFor(message.locale);
  const stateKey: TelegramCatalogKey = `strategy_plugin_telegram_state_${marketStateGroup(meta.canonical_route)}`;
  return [
    fillTemplate(catalog.strategy_plugin_telegram_date, { date: text(meta.as_of) || '-' }),
    fillTemplate(catalog.strategy_plugin_telegram_market_state, { state: catalog[stateKey] }),
    fillTemplate(catalog.strategy_plugin_telegram_background, { background: situation }),
    fillTemplate(catalog.strategy_plugin_telegram_suggested_action, { action: recommendation }),
  ].join('\n');
}
