import { buildAlertKey } from './alert-key.js';
import { CatalogLookup, type CatalogLocale, type Translator } from './i18n/catalog.js';
import { shouldAlert } from './escalation.js';
import { asBool, isObject, normField, optStr, own, pyOr, pyStr, pyTrim, pyTruthy } from './py-coerce.js';
import type { SignalLike } from './strategy-signal.js';

export interface AlertMessageOptions {
  /** Picks the catalog (`zh*` → zh-CN, else en-US) and the artifact's reason labels. */
  locale?: string | null;
  translator?: Translator;
  /** Display name of the target; changes the display, not the key. */
  strategyLabel?: unknown;
  /** Platform context, e.g. from `buildAlertContextLabel`; prefixes the subject and enters the key. */
  contextLabel?: unknown;
  /** Alert-key namespace; channel publishers pass `strategy_plugin_<channel>_alert`. */
  namespace?: unknown;
}

/** Alert metadata (wire format, snake_case, fixed key order; spec §15.8). */
// A type alias, not an interface: it must be assignable to @keel/notify's `Record<string, unknown>` metadata.
export type AlertMetadata = {
  target_type: string;
  target: string;
  strategy: unknown;
  strategy_label: string | null;
  notification_target: string | null;
  plugin: unknown;
  mode: unknown;
  as_of: unknown;
  canonical_route: unknown;
  suggested_action: unknown;
  would_trade_if_enabled: boolean;
  context_label: string | null;
  display_context_label: string | null;
  display_target: string;
  situation: string;
  recommendation: string;
  reason_summary: string;
  guidance: string | null;
  scope_note: string | null;
  ai_audit: unknown;
};

export interface AlertMessage {
  subject: string;
  body: string;
  alertKey: string;
  metadata: AlertMetadata;
  /** The catalog locale used. */
  locale: CatalogLocale;
}

const SCOPE_FLAGS = [
  'broker_order_allowed',
  'repository_broker_write_allowed',
  'live_allocation_mutation_allowed',
  'repository_allocation_mutation_allowed',
  'allocation_recommendation_allowed',
  'position_sizing_allowed',
  'selection_allowed',
] as const;

function text(v: unknown): string {
  return pyTrim(pyStr(v));
}

function reasonItems(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const item of list) {
    const s = text(item);
    if (s !== '') out.push(s);
  }
  return out;
}

/** Spec §15.3: artifact reason labels for the locale, then log-record codes, then position-control codes. */
export function reasonLabels(payload: unknown, locale: unknown): string[] {
  const messages = own(payload, 'localized_messages');
  const labels = own(messages, 'labels');
  const byLocale = own(labels, 'reason_codes');
  if (isObject(byLocale)) {
    const rl = text(locale ?? '') || 'en-US';
    const candidates = [rl];
    const dash = rl.indexOf('-');
    if (dash >= 0) candidates.push(rl.slice(0, dash));
    const fallback = optStr(own(messages, 'default_locale'));
    if (fallback !== null) candidates.push(fallback);
    for (const candidate of candidates) {
      const value = own(byLocale, candidate);
      if (typeof value === 'string') {
        const s = pyTrim(value);
        // A present but empty string ends this source (then the code lists are tried).
        if (s === '') break;
        return [s];
      }
      const items = reasonItems(value);
      if (items.length > 0) return items;
    }
  }
  const logCodes = reasonItems(own(own(payload, 'log_record'), 'reason_codes'));
  if (logCodes.length > 0) return logCodes;
  return reasonItems(own(own(payload, 'position_control'), 'reason_codes'));
}

function chainKeys(prefix: string, p: string, r: string, a: string, withPlugin: boolean): string[] {
  return withPlugin
    ? [
        `${prefix}${p}_${r}_${a}`,
        `${prefix}${p}_${r}`,
        `${prefix}${p}_${a}`,
        `${prefix}${p}`,
        `${prefix}${r}_${a}`,
        `${prefix}${a}`,
      ]
    : [
        `${prefix}${p}_${r}_${a}`,
        `${prefix}${p}_${r}`,
        `${prefix}${p}_${a}`,
        `${prefix}${r}_${a}`,
        `${prefix}${r}`,
        `${prefix}${a}`,
        `${prefix}default`,
      ];
}

function scopeNote(controls: unknown, p: string, lookup: CatalogLookup): string | null {
  const ec = isObject(controls) ? controls : {};
  const profile = text(pyOr(own(ec, 'notification_profile'), '')).toLowerCase();
  if (profile !== 'shadow_only' && SCOPE_FLAGS.some((flag) => asBool(own(ec, flag), false))) return null;
  return lookup.chain([`strategy_plugin_alert_scope_${p}`, 'strategy_plugin_alert_scope']);
}

function aiAuditNote(payload: unknown, lookup: CatalogLookup): string | null {
  const audit = own(payload, 'ai_audit');
  if (!isObject(audit) || !asBool(own(audit, 'enabled'), false)) return null;
  const status = normField(optStr(own(audit, 'status')));
  if (status === 'ok') {
    const unknown = lookup.must('strategy_plugin_alert_value_unknown');
    return lookup.must('strategy_plugin_alert_ai_audit', {
      status,
      verdict: optStr(own(audit, 'verdict')) ?? unknown,
      assessment: optStr(own(audit, 'route_assessment')) ?? unknown,
      summary: optStr(own(audit, 'summary')) ?? lookup.must('strategy_plugin_alert_ai_audit_no_summary'),
    });
  }
  return lookup.must('strategy_plugin_alert_ai_audit_status', {
    status,
    reason:
      optStr(own(audit, 'skip_reason')) ??
      optStr(own(audit, 'error')) ??
      lookup.must('strategy_plugin_alert_ai_audit_no_detail'),
  });
}

function raw(v: unknown): unknown {
  return v === undefined ? null : v;
}

/** Builds the alert of one signal, whether or not it escalates. */
export function buildAlertMessage(
  signal: SignalLike,
  lookup: CatalogLookup,
  opts: AlertMessageOptions,
): AlertMessage {
  const context = text(pyOr(opts.contextLabel, ''));
  const p = normField(signal.plugin);
  const r = normField(signal.canonicalRoute);
  const a = normField(signal.suggestedAction);
  const pluginLabel = lookup.label('name', signal.plugin);
  const modeLabel = lookup.label('mode', signal.effectiveMode);
  const routeLabel = lookup.label('route', pyOr(signal.canonicalRoute, 'unknown_route'));
  const actionLabel = lookup.label('action', pyOr(signal.suggestedAction, 'unknown_action'));
  const targetType = text(pyOr(signal.targetType, 'strategy'));
  const strategy = text(pyOr(opts.strategyLabel, signal.strategy, ''));
  const nt = text(pyOr(signal.notificationTarget, ''));
  const targetLabel = strategy || nt || 'unknown';
  const displayTarget =
    targetType === 'notification_target' && nt
      ? lookup.label('notification_target', nt)
      : strategy
        ? lookup.label('strategy', strategy)
        : targetLabel;
  let displayContext = context;
  if (
    context !== '' &&
    nt !== '' &&
    context.toLowerCase() === `strategy-plugin-publish / ${nt}`.toLowerCase()
  ) {
    displayContext = lookup.must('strategy_plugin_alert_context_strategy_plugin_publish', {
      target: displayTarget,
    });
  }

  const reasons = reasonLabels(signal.payload, opts.locale);
  const reasonSummary =
    reasons.length === 0
      ? lookup.must('strategy_plugin_alert_reason_none')
      : reasons.join(lookup.must('strategy_plugin_alert_reason_joiner'));
  const situation =
    lookup.chain(chainKeys('strategy_plugin_situation_', p, r, a, false), { reasons: reasonSummary }) ?? '';
  const recommendation = lookup.chain(chainKeys('strategy_plugin_recommendation_', p, r, a, false)) ?? '';
  const guidance = lookup.chain(chainKeys('strategy_plugin_guidance_', p, r, a, true));
  const scope = scopeNote(signal.executionControls, p, lookup);
  const aiNote = aiAuditNote(signal.payload, lookup);

  let subject = lookup.must('strategy_plugin_alert_subject', {
    plugin: pluginLabel,
    route: routeLabel,
    strategy: targetLabel,
  });
  if (displayContext !== '') subject = `[${displayContext}] ${subject}`;

  const targetName = lookup.must(
    targetType === 'notification_target'
      ? 'strategy_plugin_alert_target_name_notification_target'
      : 'strategy_plugin_alert_target_name_strategy',
  );
  const asOf = text(pyOr(signal.asOf, ''));
  const lines = [lookup.must('strategy_plugin_alert_title'), ''];
  if (displayContext !== '')
    lines.push(lookup.must('strategy_plugin_alert_context', { context: displayContext }));
  lines.push(
    lookup.must('strategy_plugin_alert_target', { target_name: targetName, target: displayTarget }),
    lookup.must('strategy_plugin_alert_plugin', { plugin: pluginLabel }),
    lookup.must('strategy_plugin_alert_as_of', {
      as_of: asOf || lookup.must('strategy_plugin_alert_value_unknown'),
    }),
    lookup.must('strategy_plugin_alert_situation', { situation }),
    lookup.must('strategy_plugin_alert_trigger', { reasons: reasonSummary }),
    lookup.must('strategy_plugin_alert_recommendation', { recommendation }),
    lookup.must('strategy_plugin_alert_status', { route: routeLabel }),
    lookup.must('strategy_plugin_alert_action', { action: actionLabel }),
    lookup.must('strategy_plugin_alert_mode', { mode: modeLabel }),
  );
  if (guidance !== null) lines.push(lookup.must('strategy_plugin_alert_guidance', { guidance }));
  if (aiNote !== null) lines.push(aiNote);
  if (scope !== null) lines.push(lookup.must('strategy_plugin_alert_scope_note', { scope_note: scope }));

  const payload = signal.payload;
  return {
    subject,
    body: lines.join('\n'),
    alertKey: buildAlertKey(signal, {
      strategyLabel: targetLabel,
      contextLabel: context,
      namespace: opts.namespace,
    }),
    metadata: {
      target_type: targetType,
      target: targetLabel,
      strategy: raw(signal.strategy),
      strategy_label: strategy || null,
      notification_target: nt || null,
      plugin: raw(signal.plugin),
      mode: raw(signal.effectiveMode),
      as_of: raw(signal.asOf),
      canonical_route: raw(signal.canonicalRoute),
      suggested_action: raw(signal.suggestedAction),
      would_trade_if_enabled: pyTruthy(signal.wouldTradeIfEnabled),
      context_label: context || null,
      display_context_label: displayContext || null,
      display_target: displayTarget,
      situation,
      recommendation,
      reason_summary: reasonSummary,
      guidance,
      scope_note: scope,
      ai_audit: raw(own(payload, 'ai_audit')),
    },
    locale: lookup.locale,
  };
}

/**
 * One alert per escalating signal (spec §15), input order kept: subject, body, de-duplication key and
 * wire-format metadata, worded from the built-in catalog of the locale (or the translator).
 */
export function buildAlertMessages(
  signals: readonly SignalLike[],
  opts: AlertMessageOptions = {},
): AlertMessage[] {
  const lookup = new CatalogLookup(opts.locale, opts.translator);
  const out: AlertMessage[] = [];
  for (const signal of signals) if (shouldAlert(signal)) out.push(buildAlertMessage(signal, lookup, opts));
  return out;
}
