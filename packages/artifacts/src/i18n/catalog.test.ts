import { describe, expect, it } from 'vitest';
import { CatalogLookup, catalogLocale, fillTemplate, placeholdersOf } from './catalog.js';
import { enUS } from './en-US.js';
import { zhCN } from './zh-CN.js';

const SUFFIXES = (prefix: string, list: string) =>
  list
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => `${prefix}${s}`);

/** The §15.9 key inventory with each key's placeholders. */
const INVENTORY: Record<string, string[]> = {
  ...Object.fromEntries(
    [
      ...SUFFIXES(
        'strategy_plugin_name_',
        'crisis_response_shadow macro_risk_governor market_regime_control taco_rebound_shadow panic_reversal_shadow',
      ),
      'strategy_plugin_mode_shadow',
      ...SUFFIXES(
        'strategy_plugin_route_',
        'no_action watch risk_reduced risk_off opportunity_watch blocked true_crisis crisis delever taco_rebound panic_reversal unknown_route',
      ),
      ...SUFFIXES(
        'strategy_plugin_action_',
        'no_action watch_only notify_manual_review defend delever blocked monitor unknown_action',
      ),
      'strategy_plugin_notification_target_market_regime_notification',
      'strategy_plugin_alert_title',
      'strategy_plugin_alert_target_name_strategy',
      'strategy_plugin_alert_target_name_notification_target',
      'strategy_plugin_alert_reason_joiner',
      'strategy_plugin_alert_reason_none',
      'strategy_plugin_alert_value_unknown',
      'strategy_plugin_alert_ai_audit_no_summary',
      'strategy_plugin_alert_ai_audit_no_detail',
      'strategy_plugin_alert_scope',
      ...SUFFIXES(
        'strategy_plugin_situation_',
        `market_regime_control_watch_watch_only market_regime_control_risk_reduced_delever
        market_regime_control_risk_off_defend market_regime_control_opportunity_watch_notify_manual_review
        market_regime_control_blocked_blocked taco_rebound_shadow_taco_rebound_notify_manual_review watch_watch_only
        true_crisis_defend delever_delever notify_manual_review default`,
      ),
      ...SUFFIXES(
        'strategy_plugin_recommendation_',
        `market_regime_control_watch_watch_only market_regime_control_risk_reduced_delever
        market_regime_control_risk_off_defend market_regime_control_opportunity_watch_notify_manual_review
        market_regime_control_blocked_blocked watch_only notify_manual_review defend delever blocked default`,
      ),
      ...SUFFIXES(
        'strategy_plugin_guidance_',
        `crisis_response_shadow_true_crisis_defend crisis_response_shadow_no_action_blocked
        macro_risk_governor_delever_delever macro_risk_governor_crisis_defend market_regime_control_risk_off_defend
        market_regime_control_risk_reduced_delever market_regime_control_opportunity_watch_notify_manual_review
        market_regime_control_blocked_blocked taco_rebound_shadow_taco_rebound_notify_manual_review`,
      ),
    ].map((k) => [k, [] as string[]]),
  ),
  strategy_plugin_line: ['action', 'mode', 'plugin', 'route'],
  strategy_plugin_alert_subject: ['plugin', 'route', 'strategy'],
  strategy_plugin_alert_context: ['context'],
  strategy_plugin_alert_context_strategy_plugin_publish: ['target'],
  strategy_plugin_alert_target: ['target', 'target_name'],
  strategy_plugin_alert_plugin: ['plugin'],
  strategy_plugin_alert_as_of: ['as_of'],
  strategy_plugin_alert_situation: ['situation'],
  strategy_plugin_alert_trigger: ['reasons'],
  strategy_plugin_alert_recommendation: ['recommendation'],
  strategy_plugin_alert_status: ['route'],
  strategy_plugin_alert_action: ['action'],
  strategy_plugin_alert_mode: ['mode'],
  strategy_plugin_alert_guidance: ['guidance'],
  strategy_plugin_alert_scope_note: ['scope_note'],
  strategy_plugin_alert_ai_audit: ['assessment', 'status', 'summary', 'verdict'],
  strategy_plugin_alert_ai_audit_status: ['reason', 'status'],
};

describe('built-in catalogs', () => {
  it('en-US and zh-CN have the same keys and the same placeholders per key', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(enUS).sort());
    for (const key of Object.keys(enUS))
      expect([key, placeholdersOf(zhCN[key]!)]).toEqual([key, placeholdersOf(enUS[key]!)]);
  });

  it('hold every key of the spec inventory with exactly the listed placeholders, and no blank value', () => {
    for (const [name, catalog] of [
      ['en-US', enUS],
      ['zh-CN', zhCN],
    ] as const) {
      for (const [key, params] of Object.entries(INVENTORY)) {
        expect([name, key, placeholdersOf(catalog[key] ?? '<missing>')]).toEqual([name, key, params]);
      }
      for (const value of Object.values(catalog)) expect(value.trim()).not.toBe('');
    }
  });

  it('use the locale punctuation for the joiner', () => {
    expect(enUS.strategy_plugin_alert_reason_joiner).toBe(', ');
    expect(zhCN.strategy_plugin_alert_reason_joiner).toBe('、');
  });
});

describe('lookup', () => {
  it('picks zh-CN for any zh* locale', () => {
    expect(catalogLocale(' ZH-tw ')).toBe('zh-CN');
    expect(catalogLocale('fr-FR')).toBe('en-US');
    expect(catalogLocale(undefined)).toBe('en-US');
  });

  it('fills placeholders in one pass and leaves unknown ones', () => {
    expect(fillTemplate('{a} {b} {c}', { a: '{b}', b: 'B' })).toBe('{b} B {c}');
  });

  it('asks the translator first and ignores null, blank and echoed keys', () => {
    const calls: string[] = [];
    const lookup = new CatalogLookup('en-US', (key, params) => {
      calls.push(key);
      if (key === 'strategy_plugin_alert_title') return 'Custom {x}';
      if (key === 'strategy_plugin_route_watch') return '   ';
      if (key === 'strategy_plugin_route_risk_off') return key;
      return params === undefined ? null : undefined;
    });
    expect(lookup.text('strategy_plugin_alert_title', { x: 'X' })).toBe('Custom X');
    expect(lookup.label('route', 'watch')).toBe(enUS.strategy_plugin_route_watch);
    expect(lookup.label('route', 'risk_off')).toBe(enUS.strategy_plugin_route_risk_off);
    expect(lookup.label('route', 'brand_new')).toBe('brand_new');
    expect(lookup.label('route', null)).toBe('unknown');
    expect(calls).toContain('strategy_plugin_route_brand_new');
  });
});
