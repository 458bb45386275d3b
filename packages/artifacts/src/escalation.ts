import { asBool, isObject, normField, optStr, pyTruthy } from './py-coerce.js';
import type { SignalLike } from './strategy-signal.js';

const POSITION_CONTROL_ACTIONS = new Set(['defend', 'delever']);
const ALERT_ACTIONS = new Set(['defend', 'blocked']);

/**
 * Whether a signal deserves an alert on alert channels (spec §13). Strategy signals whose notice is
 * carried elsewhere (the strategy runtime for approved position control, or a delegated notification
 * target for manual review) do not alert themselves.
 */
export function shouldAlert(signal: SignalLike): boolean {
  const route = normField(signal.canonicalRoute);
  const action = normField(signal.suggestedAction);
  const targetType = normField(signal.targetType);
  const ec = signal.executionControls;
  if (targetType === 'strategy' && isObject(ec)) {
    // E1: approved position control carries the notice through the strategy runtime.
    if (
      POSITION_CONTROL_ACTIONS.has(action) &&
      asBool(ec.strategy_runtime_metadata_allowed, false) &&
      asBool(ec.position_control_allowed, false) &&
      normField(ec.consumption_evidence_status) === 'automation_approved'
    ) {
      return false;
    }
    // E2: manual review is delegated to a notification target, which alerts instead.
    if (
      asBool(ec.manual_review_notification_delegated, false) &&
      optStr(ec.manual_review_notification_target) !== null
    ) {
      return false;
    }
  }
  // E3
  return pyTruthy(signal.wouldTradeIfEnabled) || route !== 'no_action' || ALERT_ACTIONS.has(action);
}
