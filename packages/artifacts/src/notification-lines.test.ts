import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base } from '../test/base-artifact.js';
import { enUS } from './i18n/en-US.js';
import { zhCN } from './i18n/zh-CN.js';
import { extractLocalizedMessage } from './localized-message.js';
import { buildNotificationLines } from './notification-lines.js';
import { validateSignalPayload } from './signal-validation.js';

const sig = (overrides: Record<string, unknown>) => validateSignalPayload(base(overrides));

describe('buildNotificationLines — §20 example 6', () => {
  it('exact locale', () => {
    const s = sig({
      localized_messages: {
        default_locale: 'en-US',
        notification: {
          'en-US': 'Notification required: risk reduced.',
          'zh-CN': '需要通知：市场状态风险降低。',
        },
      },
    });
    expect(buildNotificationLines([s], { locale: 'zh-CN' })).toEqual(['需要通知：市场状态风险降低。']);
  });

  it('falls back to default_locale', () => {
    const s = sig({
      localized_messages: { default_locale: 'en-US', notification: { 'en-US': 'EN text', 'zh-CN': '中文' } },
    });
    expect(buildNotificationLines([s], { locale: 'fr-FR' })).toEqual(['EN text']);
  });

  it('reads the legacy notification block', () => {
    const s = sig({
      notification: { default_locale: 'zh-CN', localized_messages: { 'zh-CN': '旧格式通知' } },
    });
    expect(buildNotificationLines([s], { locale: 'en-US' })).toEqual(['旧格式通知']);
  });

  it('without a locale uses the template line with labels', () => {
    const expected = `${enUS.strategy_plugin_name_crisis_response_shadow} [${enUS.strategy_plugin_mode_shadow}]: ${enUS.strategy_plugin_route_no_action}; ${enUS.strategy_plugin_action_watch_only}`;
    expect(buildNotificationLines([validateSignalPayload(base())], { locale: null })).toEqual([expected]);
    expect(buildNotificationLines([validateSignalPayload(base())])).toEqual([expected]);
  });
});

describe('buildNotificationLines — details', () => {
  it('ignores artifact text without a locale, matches locales exactly, and trims', () => {
    const s = sig({ localized_messages: { notification: { zh: '  仅 zh  ', 'en-US': ' EN ' } } });
    expect(buildNotificationLines([s])[0]).not.toBe('EN');
    expect(buildNotificationLines([s], { locale: 'zh-CN' })[0]).toContain(
      zhCN.strategy_plugin_name_crisis_response_shadow,
    );
    expect(buildNotificationLines([s], { locale: ' zh ' })).toEqual(['仅 zh']);
    expect(buildNotificationLines([s], { locale: 'en-US' })).toEqual(['EN']);
  });

  it('uses raw codes for unknown labels and unknown_route/unknown_action for missing ones', () => {
    const s = validateSignalPayload(
      base({
        plugin: 'panic_reversal_shadow',
        schema_version: 'v1',
        canonical_route: 'new_route',
        suggested_action: null,
      }),
    );
    expect(buildNotificationLines([s])).toEqual([
      `${enUS.strategy_plugin_name_panic_reversal_shadow} [${enUS.strategy_plugin_mode_shadow}]: new_route; ${enUS.strategy_plugin_action_unknown_action}`,
    ]);
  });

  it('skips non-object containers and blank candidates', () => {
    const s = sig({
      localized_messages: { default_locale: 'en-US', notification: { 'zh-CN': ' ', 'en-US': 'fallback' } },
      notification: 'x',
    });
    expect(extractLocalizedMessage(s, 'notification', 'zh-CN')).toBe('fallback');
    expect(extractLocalizedMessage(sig({ localized_messages: [] }), 'notification', 'en-US')).toBeNull();
    expect(
      extractLocalizedMessage(
        sig({ notification: { localized_messages: { 'en-US': 'legacy' } } }),
        'log',
        'en-US',
      ),
    ).toBeNull();
    expect(
      extractLocalizedMessage(sig({ localized_messages: { log: { 'en-US': 'log line' } } }), 'log', 'en-US'),
    ).toBe('log line');
    expect(
      extractLocalizedMessage(
        sig({ localized_messages: { notification: { 'en-US': 12 } } }),
        'notification',
        'en-US',
      ),
    ).toBe('12');
  });

  it('never reads inherited properties', () => {
    expect(
      extractLocalizedMessage(
        sig({ localized_messages: { notification: {} } }),
        'notification',
        'constructor',
      ),
    ).toBeNull();
  });

  it('one line per signal, never throws on arbitrary payloads', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record(
            { payload: fc.jsonValue(), plugin: fc.jsonValue(), canonicalRoute: fc.jsonValue() },
            { requiredKeys: [] },
          ),
        ),
        fc.option(fc.string()),
        (signals, locale) => {
          expect(buildNotificationLines(signals, { locale })).toHaveLength(signals.length);
        },
      ),
    );
  });
});
