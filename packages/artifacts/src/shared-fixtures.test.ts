import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.ts';
import { buildAlertMessages } from './alert-messages.js';
import { shouldAlert } from './escalation.js';
import { parseNotificationTargets, parseStrategyPluginMounts } from './mount-config.js';
import { buildNotificationLines } from './notification-lines.js';
import { buildReportPayload } from './report-payload.js';
import { loadConfiguredSignals, loadNotificationTargetSignals, loadSignal } from './signal-loader.js';
import { buildStrategyMetadata } from './strategy-metadata.js';

const dir = () => sharedDataPath('artifacts');
const at = (name: string) => sharedDataPath('artifacts', name);

describeWithSharedData('shared fixtures — §20 example 9', () => {
  it('market_regime_control strategy artifact: no alert, artifact line, runtime metadata', async () => {
    const mounts = parseStrategyPluginMounts({
      strategy_plugins: [
        {
          strategy: 'tqqq_growth_income',
          plugin: 'market_regime_control',
          signal_path: at('market_regime_control__tqqq_growth_income__risk_reduced_delever.json'),
          expected_schema_version: 'market_regime_control.v1',
        },
      ],
    });
    const signals = await loadConfiguredSignals(mounts);
    expect(signals.map(shouldAlert)).toEqual([false]);
    expect(buildNotificationLines(signals, { locale: 'en-US' })).toEqual([
      'Notification required: Market regime control for strategy tqqq_growth_income produced market regime Risk reduced on 2025-12-31 with suggested action De-lever. Reasons: Macro: Benchmark below moving average, Macro: Benchmark drawdown watch, Macro: Benchmark crisis drawdown, Macro: VIX watch level, Macro: VIX crisis level, Macro: VIX spike, Macro: Credit-pair stress.',
    ]);
    expect(buildAlertMessages(signals, { locale: 'en-US' })).toEqual([]);
    const metadata = buildStrategyMetadata(signals) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    expect(metadata.strategy_plugin_summaries!.market_regime_control!.suggested_action).toBe('delever');
    expect(signals[0]!.localPath).toBe(
      at('market_regime_control__tqqq_growth_income__risk_reduced_delever.json'),
    );
  });

  it('market_regime_notification (stressed): alerts with the spec key, zh-CN line, no metadata', async () => {
    const targets = parseNotificationTargets({
      notification_targets: [
        {
          notification_target: 'market_regime_notification',
          plugin: 'market_regime_control',
          signal_path: at('market_regime_control__market_regime_notification__risk_reduced_delever.json'),
        },
      ],
    });
    const signals = await loadNotificationTargetSignals(targets);
    expect(signals.map(shouldAlert)).toEqual([true]);
    expect(buildNotificationLines(signals, { locale: 'zh-CN' })).toEqual([
      '需要通知：通知目标 market_regime_notification 的 市场状态控制 在 2025-12-31 输出市场状态 风险降低，建议动作 降杠杆，原因：宏观：基准低于均线、宏观：基准回撤观察、宏观：基准危机回撤、宏观：VIX 观察水平、宏观：VIX 危机水平、宏观：VIX 尖峰、宏观：信用 ETF 相对压力。',
    ]);
    const alerts = buildAlertMessages(signals, {
      locale: 'zh-CN',
      contextLabel: 'strategy-plugin-publish / market_regime_notification',
    });
    expect(alerts.map((a) => a.alertKey)).toEqual([
      'strategy_plugin_alert/strategy-plugin-publish-market_regime_notification/market_regime_notification/market_regime_control/2025-12-31/risk_reduced/delever/b16a8c53b63ca55a',
    ]);
    expect(alerts[0]!.metadata.reason_summary).toBe(
      '宏观：基准低于均线、宏观：基准回撤观察、宏观：基准危机回撤、宏观：VIX 观察水平、宏观：VIX 危机水平、宏观：VIX 尖峰、宏观：信用 ETF 相对压力',
    );
    expect(buildStrategyMetadata(signals)).toEqual({});
  });

  it('crisis_response_shadow (true crisis): deprecated, alerts with the spec key', async () => {
    const mounts = parseStrategyPluginMounts({
      strategy_plugins: [
        {
          strategy: 'tqqq_growth_income',
          plugin: 'crisis_response_shadow',
          signal_path: at('crisis_response_shadow__tqqq_growth_income__true_crisis_defend.json'),
        },
      ],
    });
    const warnings: unknown[] = [];
    const signals = await loadConfiguredSignals(mounts, { onWarning: (w) => warnings.push(w) });
    expect(signals.map(shouldAlert)).toEqual([true]);
    expect(buildReportPayload(signals).strategy_plugins[0]!.deprecated_plugin).toBe(true);
    expect(warnings).toEqual([
      { code: 'DEPRECATED_PLUGIN', plugin: 'crisis_response_shadow', successor: 'market_regime_control' },
    ]);
    const alerts = buildAlertMessages(signals, {
      strategyLabel: 'tqqq_growth_income',
      contextLabel: 'schwab / tqqq_growth_income',
    });
    expect(alerts.map((a) => a.alertKey)).toEqual([
      'strategy_plugin_alert/schwab-tqqq_growth_income/tqqq_growth_income/crisis_response_shadow/2008-03-10/true_crisis/defend/8497f653b5c023ef',
    ]);
  });

  it('market_regime_notification (quiet): no alert, en-US line', async () => {
    const targets = parseNotificationTargets([
      {
        notification_target: 'market_regime_notification',
        plugin: 'market_regime_control',
        signal_path: at('market_regime_control__market_regime_notification__no_action.json'),
      },
    ]);
    const signals = await loadNotificationTargetSignals(targets);
    expect(signals.map(shouldAlert)).toEqual([false]);
    expect(buildNotificationLines(signals, { locale: 'en-US' })).toEqual([
      'No notification required: Market regime control for notification target market_regime_notification produced market regime No action on 2025-11-19 with suggested action No action. Reasons: none.',
    ]);
  });

  it('every fixture loads, with the decisions the README gives', async () => {
    const expected: Record<string, boolean> = {
      'crisis_response_shadow__tqqq_growth_income__no_action.json': false,
      'crisis_response_shadow__tqqq_growth_income__true_crisis_defend.json': true,
      'market_regime_control__market_regime_notification__no_action.json': false,
      'market_regime_control__market_regime_notification__risk_reduced_delever.json': true,
      'market_regime_control__tqqq_growth_income__risk_reduced_delever.json': false,
      'taco_rebound_shadow__tqqq_growth_income__taco_rebound_notify_manual_review.json': true,
    };
    const files = readdirSync(dir())
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(files).toEqual(Object.keys(expected).sort());
    for (const file of files) {
      const signal = await loadSignal(at(file));
      expect([file, shouldAlert(signal)]).toEqual([file, expected[file]]);
      expect(signal.effectiveMode).toBe('shadow');
    }
  });

  it('the TACO artifact keeps its multi-line localized notification', async () => {
    const signal = await loadSignal(
      at('taco_rebound_shadow__tqqq_growth_income__taco_rebound_notify_manual_review.json'),
    );
    const [line] = buildNotificationLines([signal], { locale: 'en-US' });
    expect(line!.split('\n')[0]).toBe('[Opportunity Review | TQQQ | TACO event rebound]');
    expect(buildReportPayload([signal]).strategy_plugins[0]).toMatchObject({
      deprecated_plugin: true,
      schema_version: 'taco_rebound_shadow.v2',
    });
  });
});

describe('shared fixtures helper', () => {
  it('resolves the shared data folder beside the repo', () => {
    expect(sharedDataPath('artifacts')).toMatch(/shared[/\\]data[/\\]artifacts$/);
  });
});
