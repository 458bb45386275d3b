// Keel 自己的 zh-CN 文案；键名沿用共享清单（规范 §15.9），以便平台现有翻译表可作为 translator 覆盖。

/** The built-in zh-CN catalog. */
export const zhCN: Readonly<Record<string, string>> = Object.freeze({
  // 标签
  strategy_plugin_name_crisis_response_shadow: '危机应对监测（已弃用）',
  strategy_plugin_name_macro_risk_governor: '宏观风险调控（已弃用）',
  strategy_plugin_name_market_regime_control: '市场状态控制',
  strategy_plugin_name_taco_rebound_shadow: 'TACO 反弹监测（已弃用）',
  strategy_plugin_name_panic_reversal_shadow: '恐慌反转监测',
  strategy_plugin_mode_shadow: '影子模式（仅通知）',
  strategy_plugin_route_no_action: '市场平稳',
  strategy_plugin_route_watch: '观察区间',
  strategy_plugin_route_risk_reduced: '风险降低',
  strategy_plugin_route_risk_off: '避险',
  strategy_plugin_route_opportunity_watch: '机会观察中',
  strategy_plugin_route_blocked: '被保护机制拦截',
  strategy_plugin_route_true_crisis: '确认危机',
  strategy_plugin_route_crisis: '危机',
  strategy_plugin_route_delever: '去杠杆',
  strategy_plugin_route_taco_rebound: '已确认 TACO 式反弹',
  strategy_plugin_route_panic_reversal: '恐慌反转',
  strategy_plugin_route_unknown_route: '未知市场状态',
  strategy_plugin_action_no_action: '无需操作',
  strategy_plugin_action_watch_only: '仅观察，不自动交易',
  strategy_plugin_action_notify_manual_review: '请人工复核',
  strategy_plugin_action_defend: '转为防守',
  strategy_plugin_action_delever: '降低杠杆',
  strategy_plugin_action_blocked: '暂缓',
  strategy_plugin_action_monitor: '持续监测',
  strategy_plugin_action_unknown_action: '未知请求',
  strategy_plugin_notification_target_market_regime_notification: '市场状态广播（全体订阅者）',

  // 模板
  strategy_plugin_line: '{plugin}［{mode}］：{route}；{action}',
  strategy_plugin_alert_subject: '{plugin}：{route}（{strategy}）',
  strategy_plugin_alert_title: '策略插件提醒',
  strategy_plugin_alert_context: '来源：{context}',
  strategy_plugin_alert_context_strategy_plugin_publish: '插件发布器，面向 {target}',
  strategy_plugin_alert_target: '{target_name}：{target}',
  strategy_plugin_alert_target_name_strategy: '策略',
  strategy_plugin_alert_target_name_notification_target: '受众',
  strategy_plugin_alert_plugin: '插件：{plugin}',
  strategy_plugin_alert_as_of: '信号日期：{as_of}',
  strategy_plugin_alert_situation: '当前情况：{situation}',
  strategy_plugin_alert_trigger: '触发原因：{reasons}',
  strategy_plugin_alert_recommendation: '建议：{recommendation}',
  strategy_plugin_alert_status: '市场状态：{route}',
  strategy_plugin_alert_action: '请求：{action}',
  strategy_plugin_alert_mode: '模式：{mode}',
  strategy_plugin_alert_guidance: '操作参考：{guidance}',
  strategy_plugin_alert_scope_note: '适用范围：{scope_note}',
  strategy_plugin_alert_reason_joiner: '、',
  strategy_plugin_alert_reason_none: '未给出明确原因',
  strategy_plugin_alert_value_unknown: '未知',
  strategy_plugin_alert_ai_audit:
    'AI 复核（{status}，仅供参考）：结论 {verdict}；路线评估 {assessment}；{summary}',
  strategy_plugin_alert_ai_audit_status: 'AI 复核未完成（{status}）：{reason}',
  strategy_plugin_alert_ai_audit_no_summary: '无摘要',
  strategy_plugin_alert_ai_audit_no_detail: '无详情',
  strategy_plugin_alert_scope: '仅供参考和人工复核，不会据此执行任何操作：不下单，不调整配置。',

  // 情况说明
  strategy_plugin_situation_market_regime_control_watch_watch_only:
    '波动或宏观压力已进入市场状态插件关注的区间。',
  strategy_plugin_situation_market_regime_control_risk_reduced_delever:
    '压力已高到策略经批准、经回测的规则可以自行降低杠杆的程度。',
  strategy_plugin_situation_market_regime_control_risk_off_defend:
    '市场处于避险状态，保护本金优先于任何机会信号。',
  strategy_plugin_situation_market_regime_control_opportunity_watch_notify_manual_review:
    '反弹或逢低买入的窗口可能正在出现，但现有证据只够让人看一眼。',
  strategy_plugin_situation_market_regime_control_blocked_blocked:
    '数据质量或数据时效检查未通过，信号目前无法使用。',
  strategy_plugin_situation_taco_rebound_shadow_taco_rebound_notify_manual_review:
    '政策退让后市场可能正在回升（TACO 式反弹），需要人来判断。',
  strategy_plugin_situation_watch_watch_only: '市场条件已进入插件的观察区间。',
  strategy_plugin_situation_true_crisis_defend: '危机防御信号已开启，应先检查风险敞口。',
  strategy_plugin_situation_delever_delever: '降杠杆信号已开启，敞口降多少由策略自身规则决定。',
  strategy_plugin_situation_notify_manual_review: '插件希望由人来判断当前的市场状态。',
  strategy_plugin_situation_default: '插件认为市场上有值得关注的情况。',

  // 建议
  strategy_plugin_recommendation_market_regime_control_watch_watch_only:
    '查看触发因素、近几日的波动和当前杠杆；除非策略运行或你本人明确决定，否则持仓保持不变。',
  strategy_plugin_recommendation_market_regime_control_risk_reduced_delever:
    '对照最近一次策略运行、账户限额和降杠杆阈值；若策略自身规则已经动作，执行由其通知和仓位适配器负责。',
  strategy_plugin_recommendation_market_regime_control_risk_off_defend:
    '不要因机会信号加仓，确认防守仓位符合规则要求，避险结束后再恢复进攻。',
  strategy_plugin_recommendation_market_regime_control_opportunity_watch_notify_manual_review:
    '判断反弹力度、成交量和趋势是否确认，以及在哪个位置证明判断错误；在此之前它只是候选，绝不会自动买入。',
  strategy_plugin_recommendation_market_regime_control_blocked_blocked:
    '先修复数据、时效或校验问题；信号处于拦截状态期间，不要据此调整任何仓位。',
  strategy_plugin_recommendation_watch_only:
    '查看触发因素、市场背景和当前持仓；观察提醒本身不会改变任何东西。',
  strategy_plugin_recommendation_notify_manual_review:
    '行动前请权衡触发因素、新闻和宏观背景、当前敞口以及使判断失效的价位；这不是交易指令。',
  strategy_plugin_recommendation_defend:
    '先确认策略运行做了什么、账户允许什么；如有自动防御，由策略端执行，而不是这条提醒。',
  strategy_plugin_recommendation_delever:
    '先确认策略运行做了什么、账户允许什么；如有自动降杠杆，由策略端执行，而不是这条提醒。',
  strategy_plugin_recommendation_blocked: '先解决数据问题；被拦截的信号绝不是交易的理由。',
  strategy_plugin_recommendation_default:
    '先由人查看，再决定交给策略规则还是人工流程处理；提醒本身绝不是交易指令。',

  // 操作参考
  strategy_plugin_guidance_crisis_response_shadow_true_crisis_defend:
    '考虑减少或平掉杠杆仓位，转向防御性或类现金资产，在局势缓和前不新增风险；剩余敞口应保持很小。',
  strategy_plugin_guidance_crisis_response_shadow_no_action_blocked:
    '安全保护拦截了危机路线；行动前请先检查数据是否新鲜以及相关背景。',
  strategy_plugin_guidance_macro_risk_governor_delever_delever:
    '降低杠杆，但在策略已选择保留的情况下保留普通（无杠杆）敞口。',
  strategy_plugin_guidance_macro_risk_governor_crisis_defend:
    '宏观压力持续期间，把组合中的风险部分转向防御性或类现金资产。',
  strategy_plugin_guidance_market_regime_control_risk_off_defend:
    '避险期间不叠加机会策略；保持防守，直到状态仲裁器解除避险。',
  strategy_plugin_guidance_market_regime_control_risk_reduced_delever:
    '把杠杆降到策略仓位适配器允许的风险预算；自动调整只通过经批准、经回测的策略规则进行。',
  strategy_plugin_guidance_market_regime_control_opportunity_watch_notify_manual_review:
    '供人工复核：允许有限的机会设置，但这里的任何内容都不授权下单或调整配置。',
  strategy_plugin_guidance_market_regime_control_blocked_blocked:
    '数据质量或时效检查拦截了信号；信任它之前请检查上游产物。',
  strategy_plugin_guidance_taco_rebound_shadow_taco_rebound_notify_manual_review:
    '仅限人工决定：如要行动，请使用事先定好规模或分批建立的小仓位，并预先设定离场价位；仅凭这条提醒绝不足以建满仓位。',
});
