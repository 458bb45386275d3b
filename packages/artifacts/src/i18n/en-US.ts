// Keel's own en-US wording for notification lines and alerts. Key names follow the shared inventory
// (spec §15.9) so existing platform translation tables still work as translator overrides.

/** The built-in en-US catalog. */
export const enUS: Readonly<Record<string, string>> = Object.freeze({
  // Labels
  strategy_plugin_name_crisis_response_shadow: 'Crisis Response Monitor (deprecated)',
  strategy_plugin_name_macro_risk_governor: 'Macro Risk Governor (deprecated)',
  strategy_plugin_name_market_regime_control: 'Market Regime Control',
  strategy_plugin_name_taco_rebound_shadow: 'TACO Rebound Monitor (deprecated)',
  strategy_plugin_name_panic_reversal_shadow: 'Panic Reversal Monitor',
  strategy_plugin_mode_shadow: 'shadow (notification only)',
  strategy_plugin_route_no_action: 'calm market',
  strategy_plugin_route_watch: 'watch zone',
  strategy_plugin_route_risk_reduced: 'reduced risk',
  strategy_plugin_route_risk_off: 'risk-off',
  strategy_plugin_route_opportunity_watch: 'opportunity under watch',
  strategy_plugin_route_blocked: 'blocked by a guard',
  strategy_plugin_route_true_crisis: 'confirmed crisis',
  strategy_plugin_route_crisis: 'crisis',
  strategy_plugin_route_delever: 'de-leveraging',
  strategy_plugin_route_taco_rebound: 'TACO-style rebound confirmed',
  strategy_plugin_route_panic_reversal: 'panic reversal',
  strategy_plugin_route_unknown_route: 'unknown market state',
  strategy_plugin_action_no_action: 'nothing to do',
  strategy_plugin_action_watch_only: 'watch only, no automatic trading',
  strategy_plugin_action_notify_manual_review: 'human review requested',
  strategy_plugin_action_defend: 'go defensive',
  strategy_plugin_action_delever: 'cut leverage',
  strategy_plugin_action_blocked: 'held back',
  strategy_plugin_action_monitor: 'keep monitoring',
  strategy_plugin_action_unknown_action: 'unknown request',
  strategy_plugin_notification_target_market_regime_notification: 'Market regime broadcast (all subscribers)',

  // Templates
  strategy_plugin_line: '{plugin} [{mode}]: {route}; {action}',
  strategy_plugin_alert_subject: '{plugin}: {route} ({strategy})',
  strategy_plugin_alert_title: 'Strategy plugin alert',
  strategy_plugin_alert_context: 'Source: {context}',
  strategy_plugin_alert_context_strategy_plugin_publish: 'Plugin publisher, for {target}',
  strategy_plugin_alert_target: '{target_name}: {target}',
  strategy_plugin_alert_target_name_strategy: 'Strategy',
  strategy_plugin_alert_target_name_notification_target: 'Audience',
  strategy_plugin_alert_plugin: 'Plugin: {plugin}',
  strategy_plugin_alert_as_of: 'Signal date: {as_of}',
  strategy_plugin_alert_situation: 'What is happening: {situation}',
  strategy_plugin_alert_trigger: 'Triggered by: {reasons}',
  strategy_plugin_alert_recommendation: 'What to do: {recommendation}',
  strategy_plugin_alert_status: 'Market state: {route}',
  strategy_plugin_alert_action: 'Requested: {action}',
  strategy_plugin_alert_mode: 'Mode: {mode}',
  strategy_plugin_alert_guidance: 'Guidance: {guidance}',
  strategy_plugin_alert_scope_note: 'Scope: {scope_note}',
  strategy_plugin_alert_reason_joiner: ', ',
  strategy_plugin_alert_reason_none: 'no explicit reason given',
  strategy_plugin_alert_value_unknown: 'unknown',
  strategy_plugin_alert_ai_audit:
    'AI review ({status}), advisory only: verdict {verdict}; route assessment {assessment}; {summary}',
  strategy_plugin_alert_ai_audit_status: 'AI review did not complete ({status}): {reason}',
  strategy_plugin_alert_ai_audit_no_summary: 'no summary',
  strategy_plugin_alert_ai_audit_no_detail: 'no detail',
  strategy_plugin_alert_scope:
    'For information and human review only. Nothing is executed from this notice: no orders, no allocation changes.',

  // Situations
  strategy_plugin_situation_market_regime_control_watch_watch_only:
    'Volatility or macro pressure has entered the range the market-regime plugin keeps an eye on.',
  strategy_plugin_situation_market_regime_control_risk_reduced_delever:
    "Stress is high enough that the strategy's approved, backtested rules may lower leverage on their own.",
  strategy_plugin_situation_market_regime_control_risk_off_defend:
    'The regime is risk-off: protecting capital now comes before any opportunity signal.',
  strategy_plugin_situation_market_regime_control_opportunity_watch_notify_manual_review:
    'A rebound or buy-the-dip window may be opening, but the evidence only justifies a human look.',
  strategy_plugin_situation_market_regime_control_blocked_blocked:
    'Data-quality or data-age checks failed, so the signal cannot be used as it stands.',
  strategy_plugin_situation_taco_rebound_shadow_taco_rebound_notify_manual_review:
    'Markets may be recovering after a policy climb-down (a TACO-style rebound); a person should assess it.',
  strategy_plugin_situation_watch_watch_only: "Conditions have moved inside the plugin's watch range.",
  strategy_plugin_situation_true_crisis_defend:
    'The crisis-defence signal is on; review risk exposure first.',
  strategy_plugin_situation_delever_delever:
    "A lower-leverage signal is on; the strategy's own rules decide how far exposure comes down.",
  strategy_plugin_situation_notify_manual_review:
    'The plugin asks a person to judge the current market state.',
  strategy_plugin_situation_default: 'The plugin flags something in the market that deserves a look.',

  // Recommendations
  strategy_plugin_recommendation_market_regime_control_watch_watch_only:
    'Check the trigger, the last few days of volatility and the leverage you carry. Positions stay as they are unless the strategy run or a deliberate decision of yours changes them.',
  strategy_plugin_recommendation_market_regime_control_risk_reduced_delever:
    "Compare with the latest strategy run, the account's limits and the leverage-cut thresholds. Where the strategy's own rule has acted, its notification and position adapter handle execution.",
  strategy_plugin_recommendation_market_regime_control_risk_off_defend:
    'Add nothing on opportunity grounds, confirm the defensive positioning matches the rules, and go back on offence only once risk-off has ended.',
  strategy_plugin_recommendation_market_regime_control_opportunity_watch_notify_manual_review:
    'Judge how strong the rebound is, whether volume and trend confirm it, and where the idea would be proven wrong. Until then it is a candidate, never an automatic purchase.',
  strategy_plugin_recommendation_market_regime_control_blocked_blocked:
    'Fix the data, staleness or validation problem first; change no position on this signal while it stays blocked.',
  strategy_plugin_recommendation_watch_only:
    'Review the trigger, the market backdrop and current holdings. A watch notice moves nothing by itself.',
  strategy_plugin_recommendation_notify_manual_review:
    'Before acting, weigh the trigger, the news and macro backdrop, your current exposure and the level that would invalidate the idea. This is not an order.',
  strategy_plugin_recommendation_defend:
    'First confirm what the strategy run did and what the account allows. Any automated defence is carried out by the strategy side, not by this notice.',
  strategy_plugin_recommendation_delever:
    'First confirm what the strategy run did and what the account allows. Any automated leverage reduction is carried out by the strategy side, not by this notice.',
  strategy_plugin_recommendation_blocked:
    'Sort out the data problem first; a blocked signal is never a reason to trade.',
  strategy_plugin_recommendation_default:
    "Have a person look first and decide whether the strategy's rules or a manual procedure should handle it. The notice itself is never a trading instruction.",

  // Guidance
  strategy_plugin_guidance_crisis_response_shadow_true_crisis_defend:
    'Consider trimming or closing leveraged positions, moving toward defensive or cash-like assets and adding no new risk until conditions calm down; keep any remaining exposure small.',
  strategy_plugin_guidance_crisis_response_shadow_no_action_blocked:
    'A safety guard stopped the crisis route; check how fresh the data is and the surrounding context before doing anything.',
  strategy_plugin_guidance_macro_risk_governor_delever_delever:
    'Lower leverage, but keep plain (unlevered) exposure where the strategy has opted in.',
  strategy_plugin_guidance_macro_risk_governor_crisis_defend:
    'Move the risky part of the portfolio into defensive or cash-like assets for as long as macro stress lasts.',
  strategy_plugin_guidance_market_regime_control_risk_off_defend:
    'No opportunity overlays while risk-off lasts; stay defensive until the regime arbiter stands down.',
  strategy_plugin_guidance_market_regime_control_risk_reduced_delever:
    "Bring leverage down to the risk budget the strategy's policy adapter permits; automatic changes happen only through approved, backtested strategy rules.",
  strategy_plugin_guidance_market_regime_control_opportunity_watch_notify_manual_review:
    'For human review: a limited opportunity setting is permitted, but nothing here authorises an order or an allocation change.',
  strategy_plugin_guidance_market_regime_control_blocked_blocked:
    'Data-quality or freshness checks stopped the signal; inspect the upstream artifacts before trusting it.',
  strategy_plugin_guidance_taco_rebound_shadow_taco_rebound_notify_manual_review:
    'A human decision only: if you act at all, use a small position sized in advance or built in steps, with an exit level fixed beforehand. This alert alone never justifies a full position.',
});
