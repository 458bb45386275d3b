import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base, baseWithout } from '../test/base-artifact.js';
import { buildAlertKey } from './alert-key.js';
import { buildAlertMessages } from './alert-messages.js';
import { enUS } from './i18n/en-US.js';
import { fillTemplate } from './i18n/catalog.js';
import { zhCN } from './i18n/zh-CN.js';
import { validateSignalPayload } from './signal-validation.js';

const crisis = validateSignalPayload(
  base({
    canonical_route: 'true_crisis',
    suggested_action: 'defend',
    would_trade_if_enabled: true,
    log_record: { reason_codes: ['true_crisis', ' ', null] },
  }),
);
const t = (key: string, params: Record<string, string> = {}) => fillTemplate(enUS[key]!, params);

describe('buildAlertMessages', () => {
  it('builds subject, body lines in order, key and metadata', () => {
    const [m] = buildAlertMessages([crisis], {
      contextLabel: 'ibkr / paper / tqqq',
      strategyLabel: 'TQQQ Growth',
    });
    const plugin = enUS.strategy_plugin_name_crisis_response_shadow!;
    const route = enUS.strategy_plugin_route_true_crisis!;
    expect(m!.locale).toBe('en-US');
    expect(m!.subject).toBe(
      `[ibkr / paper / tqqq] ${t('strategy_plugin_alert_subject', { plugin, route, strategy: 'TQQQ Growth' })}`,
    );
    const reasons = 'true_crisis, None';
    expect(m!.body.split('\n')).toEqual([
      enUS.strategy_plugin_alert_title,
      '',
      t('strategy_plugin_alert_context', { context: 'ibkr / paper / tqqq' }),
      t('strategy_plugin_alert_target', {
        target_name: enUS.strategy_plugin_alert_target_name_strategy!,
        target: 'TQQQ Growth',
      }),
      t('strategy_plugin_alert_plugin', { plugin }),
      t('strategy_plugin_alert_as_of', { as_of: '2026-04-17' }),
      t('strategy_plugin_alert_situation', { situation: enUS.strategy_plugin_situation_true_crisis_defend! }),
      t('strategy_plugin_alert_trigger', { reasons }),
      t('strategy_plugin_alert_recommendation', {
        recommendation: enUS.strategy_plugin_recommendation_defend!,
      }),
      t('strategy_plugin_alert_status', { route }),
      t('strategy_plugin_alert_action', { action: enUS.strategy_plugin_action_defend! }),
      t('strategy_plugin_alert_mode', { mode: enUS.strategy_plugin_mode_shadow! }),
      t('strategy_plugin_alert_guidance', {
        guidance: enUS.strategy_plugin_guidance_crisis_response_shadow_true_crisis_defend!,
      }),
      t('strategy_plugin_alert_scope_note', { scope_note: enUS.strategy_plugin_alert_scope! }),
    ]);
    expect(m!.alertKey).toBe(buildAlertKey(crisis, { contextLabel: 'ibkr / paper / tqqq' }));
    expect(m!.metadata).toStrictEqual({
      target_type: 'strategy',
      target: 'TQQQ Growth',
      strategy: 'tqqq_growth_income',
      strategy_label: 'TQQQ Growth',
      notification_target: null,
      plugin: 'crisis_response_shadow',
      mode: 'shadow',
      as_of: '2026-04-17',
      canonical_route: 'true_crisis',
      suggested_action: 'defend',
      would_trade_if_enabled: true,
      context_label: 'ibkr / paper / tqqq',
      display_context_label: 'ibkr / paper / tqqq',
      display_target: 'TQQQ Growth',
      situation: enUS.strategy_plugin_situation_true_crisis_defend,
      recommendation: enUS.strategy_plugin_recommendation_defend,
      reason_summary: reasons,
      guidance: enUS.strategy_plugin_guidance_crisis_response_shadow_true_crisis_defend,
      scope_note: enUS.strategy_plugin_alert_scope,
      ai_audit: null,
    });
  });

  it('keeps only escalating signals, in order, with the namespace in the key', () => {
    const quiet = validateSignalPayload(base());
    const blocked = validateSignalPayload(base({ suggested_action: 'blocked' }));
    const messages = buildAlertMessages([quiet, crisis, quiet, blocked], {
      namespace: 'strategy_plugin_email_alert',
    });
    expect(messages.map((m) => m.metadata.suggested_action)).toEqual(['defend', 'blocked']);
    expect(messages.every((m) => m.alertKey.startsWith('strategy_plugin_email_alert/default/'))).toBe(true);
  });

  it('uses the zh-CN catalog and the locale reason labels', () => {
    const s = validateSignalPayload(
      base({
        canonical_route: 'true_crisis',
        suggested_action: 'defend',
        localized_messages: {
          default_locale: 'en-US',
          labels: { reason_codes: { 'en-US': ['True crisis'], zh: ['真实危机', '信用压力'] } },
        },
      }),
    );
    const [zh] = buildAlertMessages([s], { locale: 'zh-CN' });
    expect(zh!.locale).toBe('zh-CN');
    expect(zh!.metadata.reason_summary).toBe('真实危机、信用压力');
    expect(zh!.body.split('\n')[0]).toBe(zhCN.strategy_plugin_alert_title);
    const [fr] = buildAlertMessages([s], { locale: 'fr-FR' });
    expect(fr!.metadata.reason_summary).toBe('True crisis');
    expect(fr!.locale).toBe('en-US');
  });

  it('reason sources: empty string label stops labels; code lists follow; none', () => {
    const mk = (extra: Record<string, unknown>) =>
      buildAlertMessages([validateSignalPayload(base({ suggested_action: 'blocked', ...extra }))])[0]!
        .metadata.reason_summary;
    expect(
      mk({
        localized_messages: { labels: { reason_codes: { 'en-US': ' ', en: 'x' } } },
        position_control: { reason_codes: ['pc'] },
      }),
    ).toBe('pc');
    expect(mk({ localized_messages: { labels: { reason_codes: { 'en-US': ' single ' } } } })).toBe('single');
    expect(mk({ localized_messages: { labels: { reason_codes: { 'en-US': [], en: ['from en'] } } } })).toBe(
      'from en',
    );
    expect(mk({ log_record: { reason_codes: [] }, position_control: { reason_codes: ['a', 'b'] } })).toBe(
      'a, b',
    );
    expect(mk({})).toBe(enUS.strategy_plugin_alert_reason_none);
  });

  it('notification targets: display label, publish context rewrite, raw target in the key', () => {
    const s = validateSignalPayload(
      baseWithout(['strategy'], {
        plugin: 'market_regime_control',
        schema_version: 'market_regime_control.v1',
        notification_target: 'market_regime_notification',
        canonical_route: 'watch',
        suggested_action: 'watch_only',
      }),
    );
    const [m] = buildAlertMessages([s], {
      contextLabel: 'Strategy-Plugin-Publish / market_regime_notification',
    });
    const display = enUS.strategy_plugin_notification_target_market_regime_notification!;
    const displayContext = t('strategy_plugin_alert_context_strategy_plugin_publish', { target: display });
    expect(m!.subject.startsWith(`[${displayContext}] `)).toBe(true);
    expect(m!.metadata).toMatchObject({
      target_type: 'notification_target',
      target: 'market_regime_notification',
      strategy: '',
      strategy_label: null,
      notification_target: 'market_regime_notification',
      display_target: display,
      context_label: 'Strategy-Plugin-Publish / market_regime_notification',
      display_context_label: displayContext,
      situation: enUS.strategy_plugin_situation_market_regime_control_watch_watch_only,
      guidance: null,
    });
    expect(m!.body).toContain(
      t('strategy_plugin_alert_target', {
        target_name: enUS.strategy_plugin_alert_target_name_notification_target!,
        target: display,
      }),
    );
    expect(m!.alertKey.split('/')[2]).toBe('market_regime_notification');
  });

  it('scope note disappears when the controls allow execution outside shadow_only', () => {
    const mk = (ec: unknown) =>
      buildAlertMessages([
        validateSignalPayload(base({ suggested_action: 'blocked', execution_controls: ec })),
      ])[0]!.metadata.scope_note;
    expect(mk({ broker_order_allowed: 'yes' })).toBeNull();
    expect(mk({ broker_order_allowed: true, notification_profile: ' Shadow_Only ' })).toBe(
      enUS.strategy_plugin_alert_scope,
    );
    expect(mk({})).toBe(enUS.strategy_plugin_alert_scope);
  });

  it('AI audit note', () => {
    const mk = (audit: unknown) =>
      buildAlertMessages([validateSignalPayload(base({ suggested_action: 'blocked', ai_audit: audit }))])[0]!;
    const ok = mk({ enabled: true, status: ' OK ', verdict: 'agree' });
    expect(ok.body).toContain(
      t('strategy_plugin_alert_ai_audit', {
        status: 'ok',
        verdict: 'agree',
        assessment: enUS.strategy_plugin_alert_value_unknown!,
        summary: enUS.strategy_plugin_alert_ai_audit_no_summary!,
      }),
    );
    expect(ok.metadata.ai_audit).toEqual({ enabled: true, status: ' OK ', verdict: 'agree' });
    expect(mk({ enabled: 'yes', status: 'skipped', error: 'quota' }).body).toContain(
      t('strategy_plugin_alert_ai_audit_status', { status: 'skipped', reason: 'quota' }),
    );
    expect(mk({ enabled: true }).body).toContain(
      t('strategy_plugin_alert_ai_audit_status', {
        status: 'unknown',
        reason: enUS.strategy_plugin_alert_ai_audit_no_detail!,
      }),
    );
    expect(mk({ enabled: false, status: 'ok' }).body).not.toContain('AI review');
  });

  it('a translator overrides any key, including chain keys', () => {
    const [m] = buildAlertMessages([crisis], {
      translator: (key) =>
        ({
          strategy_plugin_situation_crisis_response_shadow_true_crisis_defend:
            '  Custom situation: {reasons}  ',
          strategy_plugin_alert_scope_crisis_response_shadow: 'Plugin scope',
          strategy_plugin_alert_title: 'TITLE',
        })[key],
    });
    expect(m!.metadata.situation).toBe('Custom situation: true_crisis, None');
    expect(m!.metadata.scope_note).toBe('Plugin scope');
    expect(m!.body.startsWith('TITLE\n')).toBe(true);
  });

  it('never throws on arbitrary signal-likes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record(
            {
              strategy: fc.jsonValue(),
              plugin: fc.jsonValue(),
              targetType: fc.jsonValue(),
              canonicalRoute: fc.jsonValue(),
              suggestedAction: fc.jsonValue(),
              executionControls: fc.jsonValue(),
              payload: fc.jsonValue(),
            },
            { requiredKeys: [] },
          ),
        ),
        fc.option(fc.string()),
        (signals, locale) => {
          for (const m of buildAlertMessages(signals, { locale }))
            expect(m.alertKey.split('/')).toHaveLength(8);
        },
      ),
    );
  });
});
