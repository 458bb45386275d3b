import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base, baseWithout } from '../test/base-artifact.js';
import { buildAlertContextLabel } from './alert-context-label.js';
import { alertIdentity, buildAlertKey, canonicalAlertIdentity, sanitizeKeySegment } from './alert-key.js';
import { buildAlertMessages } from './alert-messages.js';
import { validateSignalPayload } from './signal-validation.js';

const TRUE_CRISIS = { canonical_route: 'true_crisis', suggested_action: 'defend' };

describe('buildAlertKey — §20 example 7 vectors', () => {
  const crisis = validateSignalPayload(base({ ...TRUE_CRISIS, would_trade_if_enabled: true }));
  const crisisNoTrade = validateSignalPayload(base(TRUE_CRISIS));

  it('canonical text', () => {
    expect(canonicalAlertIdentity(alertIdentity(crisis, { strategyLabel: 'TQQQ Growth Income' }))).toBe(
      '{"action": "defend", "as_of": "2026-04-17", "context": "default", "mode": "shadow", "namespace": "strategy_plugin_alert", "plugin": "crisis_response_shadow", "route": "true_crisis", "target": "tqqq_growth_income", "target_type": "strategy", "would_trade_if_enabled": true}',
    );
  });

  it.each([
    [
      'true crisis',
      () => buildAlertKey(crisis, { strategyLabel: 'TQQQ Growth Income' }),
      'strategy_plugin_alert/default/tqqq_growth_income/crisis_response_shadow/2026-04-17/true_crisis/defend/40d9027f5ce59968',
    ],
    [
      'would_trade false, label',
      () => buildAlertKey(crisisNoTrade, { strategyLabel: 'TQQQ Label' }),
      'strategy_plugin_alert/default/tqqq_growth_income/crisis_response_shadow/2026-04-17/true_crisis/defend/054ef6b039431712',
    ],
    [
      'context and sms namespace',
      () =>
        buildAlertKey(crisisNoTrade, {
          strategyLabel: 'TQQQ Label',
          contextLabel: 'IBKR / Live Slot #A',
          namespace: 'strategy_plugin_sms_alert',
        }),
      'strategy_plugin_sms_alert/ibkr-live-slot-a/tqqq_growth_income/crisis_response_shadow/2026-04-17/true_crisis/defend/dd0ae3855c4ce49c',
    ],
    [
      'null route and action',
      () => buildAlertKey(validateSignalPayload(base({ canonical_route: null, suggested_action: null }))),
      'strategy_plugin_alert/default/tqqq_growth_income/crisis_response_shadow/2026-04-17/unknown/unknown/fb06104b6d9e9bb2',
    ],
    [
      'no as_of, would_trade Yes',
      () => buildAlertKey(validateSignalPayload(baseWithout(['as_of'], { would_trade_if_enabled: 'Yes' }))),
      'strategy_plugin_alert/default/tqqq_growth_income/crisis_response_shadow/unknown/no_action/watch_only/68cc9504998f5b07',
    ],
    [
      'notification target',
      () =>
        buildAlertKey(
          validateSignalPayload(
            baseWithout(['strategy'], {
              plugin: 'market_regime_control',
              schema_version: 'market_regime_control.v1',
              notification_target: 'market_regime_notification',
              canonical_route: 'watch',
              suggested_action: 'watch_only',
            }),
          ),
          { contextLabel: 'strategy-plugin-publish / market_regime_notification' },
        ),
      'strategy_plugin_alert/strategy-plugin-publish-market_regime_notification/market_regime_notification/market_regime_control/2026-04-17/watch/watch_only/b8e56f9ed038a02d',
    ],
  ])('%s', (_name, build, expected) => {
    expect(build()).toBe(expected);
  });

  it('the alert message carries the same key and the display label', () => {
    const [message] = buildAlertMessages([crisisNoTrade], { strategyLabel: 'TQQQ Label' });
    expect(message!.alertKey).toBe(
      'strategy_plugin_alert/default/tqqq_growth_income/crisis_response_shadow/2026-04-17/true_crisis/defend/054ef6b039431712',
    );
    expect(message!.metadata.target).toBe('TQQQ Label');
  });
});

describe('sanitizeKeySegment', () => {
  it.each([
    ['IBKR / Live Slot #A', 'ibkr-live-slot-a'],
    [
      'strategy-plugin-publish / market_regime_notification',
      'strategy-plugin-publish-market_regime_notification',
    ],
    ['策略 Ａ', '策略-ａ'],
    ['--a--b__', 'a-b'],
    ['_.x._', 'x'],
    ['', 'unknown'],
    ['///', 'unknown'],
    [null, 'none'],
  ])('%j → %s', (input, expected) => {
    expect(sanitizeKeySegment(input)).toBe(expected);
  });

  it('cuts at 80 code points after stripping, and the cut may end in "-"', () => {
    expect(sanitizeKeySegment(`-${'a'.repeat(79)} b`)).toBe(`${'a'.repeat(79)}-`);
    expect(sanitizeKeySegment('😀'.repeat(90))).toBe('unknown');
    expect([...sanitizeKeySegment('中'.repeat(100))]).toHaveLength(80);
  });

  it('output is never empty, has no "/", no doubled "-" and at most 80 code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const out = sanitizeKeySegment(s);
        expect(out.length).toBeGreaterThan(0);
        expect(out).not.toMatch(/[/]|--/);
        expect([...out].length).toBeLessThanOrEqual(80);
      }),
    );
  });
});

describe('buildAlertKey — properties', () => {
  it('has eight segments; the digest is SHA-256 of the canonical identity, which round-trips through JSON', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            strategy: fc.option(fc.string({ unit: 'binary' })),
            notificationTarget: fc.option(fc.string()),
            plugin: fc.option(fc.string({ unit: 'grapheme' })),
            asOf: fc.option(fc.string()),
            canonicalRoute: fc.option(fc.string()),
            suggestedAction: fc.option(fc.string()),
            targetType: fc.option(fc.string()),
            wouldTradeIfEnabled: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
        fc.option(fc.string({ unit: 'grapheme' })),
        (signal, context) => {
          const key = buildAlertKey(signal, { contextLabel: context });
          const parts = key.split('/');
          expect(parts).toHaveLength(8);
          const text = canonicalAlertIdentity(alertIdentity(signal, { contextLabel: context }));
          const parsed = JSON.parse(text) as Record<string, unknown>;
          expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
          expect(parts[7]).toBe(createHash('sha256').update(text).digest('hex').slice(0, 16));
        },
      ),
    );
  });
});

describe('buildAlertContextLabel', () => {
  it('joins platform, the first of account/deployment/service, and strategy', () => {
    expect(buildAlertContextLabel({ platform: 'ibkr', account: 'paper', strategy: 'tqqq' })).toBe(
      'ibkr / paper / tqqq',
    );
    expect(buildAlertContextLabel({ platform: 'schwab', strategy: 'tqqq_growth_income' })).toBe(
      'schwab / tqqq_growth_income',
    );
    expect(buildAlertContextLabel({ platform: ' x ', account: ' ', deployment: 'dep', service: 'svc' })).toBe(
      'x / dep',
    );
    expect(buildAlertContextLabel({ service: 'svc' })).toBe('svc');
    expect(buildAlertContextLabel({})).toBe('');
  });
});
