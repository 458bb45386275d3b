import type { AlertMessage } from '@keel/notify';
import { describe, expect, it } from 'vitest';
import { TELEGRAM_CATALOG_KEYS, TELEGRAM_CATALOGS } from './i18n/catalog.js';
import { buildTelegramCard, marketStateGroup } from './telegram-card.js';

const regime = (over: Partial<AlertMessage> = {}, meta: Record<string, unknown> = {}): AlertMessage => ({
  alertKey: 'strategy_plugin_telegram_alert/x',
  subject: 'Market regime: risk-off',
  body: 'long body',
  locale: 'en-US',
  metadata: {
    plugin: 'market_regime_control',
    as_of: '2026-05-24',
    canonical_route: 'risk_off',
    situation: 'The regime is risk-off.',
    recommendation: 'Add nothing; check SOXL.US exposure.',
    ...meta,
  },
  ...over,
});

describe('buildTelegramCard', () => {
  it('renders the four-line card in en-US', () => {
    expect(buildTelegramCard(regime())).toBe(
      [
        'Date: 2026-05-24',
        'Market state: Tail risk',
        'Background: The regime is risk-off.',
        'Suggested action: Add nothing; check SOXL.US exposure.',
      ].join('\n'),
    );
  });

  it('renders the card in zh-CN with Chinese punctuation', () => {
    const card = buildTelegramCard(
      regime(
        { locale: 'zh-CN' },
        { canonical_route: 'opportunity_watch', situation: '可能出现反弹窗口', recommendation: '人工评估' },
      ),
    );
    expect(card).toBe('日期：2026-05-24\n市场状态：反弹机会\n背景：可能出现反弹窗口\n建议操作：人工评估');
  });

  it('does not apply to other plugins or to empty situation/recommendation', () => {
    expect(buildTelegramCard(regime({}, { plugin: 'crisis_response_shadow' }))).toBeUndefined();
    expect(buildTelegramCard(regime({}, { situation: '  ' }))).toBeUndefined();
    expect(buildTelegramCard(regime({}, { recommendation: null }))).toBeUndefined();
  });

  it('groups routes into market states', () => {
    const cases: Record<string, string> = {
      true_crisis: 'tail_risk',
      crisis: 'tail_risk',
      RISK_OFF: 'tail_risk',
      opportunity_watch: 'rebound_opportunity',
      panic_reversal: 'rebound_opportunity',
      taco_rebound: 'rebound_opportunity',
      risk_reduced: 'opportunity_vetoed',
      delever: 'opportunity_vetoed',
      blocked: 'data_guard',
      watch: 'watch',
      no_action: 'needs_review',
    };
    for (const [route, group] of Object.entries(cases)) expect(marketStateGroup(route)).toBe(group);
    expect(marketStateGroup(undefined)).toBe('needs_review');
  });
});

describe('Telegram catalogs', () => {
  it('hold every key in both locales, non-blank, with the same placeholders', () => {
    const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
    for (const key of TELEGRAM_CATALOG_KEYS) {
      const en = TELEGRAM_CATALOGS['en-US'][key];
      const zh = TELEGRAM_CATALOGS['zh-CN'][key];
      expect(en.trim()).not.toBe('');
      expect(zh.trim()).not.toBe('');
      expect(placeholders(zh)).toEqual(placeholders(en));
    }
  });
});
