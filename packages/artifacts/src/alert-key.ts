import { createHash } from 'node:crypto';
import { pyStr, pyTrim, pyTruthy } from './py-coerce.js';
import type { SignalLike } from './strategy-signal.js';

export interface AlertKeyOptions {
  strategyLabel?: unknown;
  contextLabel?: unknown;
  namespace?: unknown;
}

/** Default alert namespace; channel publishers use `strategy_plugin_<channel>_alert`. */
export const DEFAULT_ALERT_NAMESPACE = 'strategy_plugin_alert';

function kp(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = pyTrim(pyStr(v));
  return s === '' ? null : s;
}

const KEPT = /[\p{L}\p{N}_.]/u;
const EDGE = new Set(['-', '.', '_']);
const MAX_SEGMENT = 80;

/** One key segment (spec §16): lower-cased, runs of other characters → one `-`, edges stripped, 80 code points. */
export function sanitizeKeySegment(v: unknown): string {
  const s = pyTrim(pyStr(v)).toLowerCase();
  const out: string[] = [];
  let lastDash = false;
  for (const ch of s) {
    if (KEPT.test(ch)) {
      out.push(ch);
      lastDash = false;
    } else if (!lastDash) {
      out.push('-');
      lastDash = true;
    }
  }
  let start = 0;
  let end = out.length;
  while (start < end && EDGE.has(out[start]!)) start++;
  while (end > start && EDGE.has(out[end - 1]!)) end--;
  const cut = out.slice(start, Math.min(end, start + MAX_SEGMENT)).join('');
  return cut === '' ? 'unknown' : cut;
}

/** The identity hashed into an alert key, before serialisation. */
export interface AlertIdentity {
  action: string;
  as_of: string;
  context: string;
  mode: string;
  namespace: string;
  plugin: string;
  route: string;
  target: string;
  target_type: string;
  would_trade_if_enabled: boolean;
}

export function alertIdentity(signal: SignalLike, opts: AlertKeyOptions = {}): AlertIdentity {
  return {
    action: kp(signal.suggestedAction) ?? 'unknown',
    as_of: kp(signal.asOf) ?? 'unknown',
    context: kp(opts.contextLabel) ?? 'default',
    mode: kp(signal.effectiveMode) ?? 'unknown',
    namespace: kp(opts.namespace) ?? DEFAULT_ALERT_NAMESPACE,
    plugin: kp(signal.plugin) ?? 'unknown',
    route: kp(signal.canonicalRoute) ?? 'unknown',
    target: kp(signal.strategy) ?? kp(signal.notificationTarget) ?? kp(opts.strategyLabel) ?? 'unknown',
    target_type: kp(signal.targetType) ?? 'strategy',
    would_trade_if_enabled: pyTruthy(signal.wouldTradeIfEnabled),
  };
}

/**
 * The text Python's `json.dumps(identity, ensure_ascii=False, sort_keys=True)` produces; the members
 * are already in sorted order and `JSON.stringify` escapes exactly like Python for these values.
 */
export function canonicalAlertIdentity(id: AlertIdentity): string {
  const j = JSON.stringify;
  return (
    `{"action": ${j(id.action)}, "as_of": ${j(id.as_of)}, "context": ${j(id.context)}, "mode": ${j(id.mode)}, ` +
    `"namespace": ${j(id.namespace)}, "plugin": ${j(id.plugin)}, "route": ${j(id.route)}, "target": ${j(id.target)}, ` +
    `"target_type": ${j(id.target_type)}, "would_trade_if_enabled": ${id.would_trade_if_enabled ? 'true' : 'false'}}`
  );
}

/**
 * The de-duplication key of an alert (spec §16), byte-identical to QuantPlatformKit's so one marker
 * store serves both. The key prefers the signal's own strategy over `strategyLabel`.
 */
export function buildAlertKey(signal: SignalLike, opts: AlertKeyOptions = {}): string {
  const id = alertIdentity(signal, opts);
  const digest = createHash('sha256').update(canonicalAlertIdentity(id), 'utf8').digest('hex').slice(0, 16);
  return [
    sanitizeKeySegment(id.namespace),
    sanitizeKeySegment(id.context),
    sanitizeKeySegment(id.target),
    sanitizeKeySegment(id.plugin),
    sanitizeKeySegment(id.as_of),
    sanitizeKeySegment(id.route),
    sanitizeKeySegment(id.action),
    digest,
  ].join('/');
}
