import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base, baseWithout } from '../test/base-artifact.js';
import { shouldAlert } from './escalation.js';
import { validateSignalPayload } from './signal-validation.js';

const MRC = { plugin: 'market_regime_control', schema_version: 'market_regime_control.v1' };
const E1 = {
  strategy_runtime_metadata_allowed: true,
  position_control_allowed: true,
  consumption_evidence_status: 'automation_approved',
};
const E2 = {
  manual_review_notification_delegated: true,
  manual_review_notification_target: 'market_regime_notification',
};

describe('shouldAlert — §20 example 5', () => {
  it('BASE (no_action / watch_only) does not alert', () => {
    expect(shouldAlert(validateSignalPayload(base()))).toBe(false);
  });

  it('E1: approved position control on a strategy target does not alert', () => {
    const s = validateSignalPayload(
      base({
        ...MRC,
        canonical_route: 'risk_off',
        suggested_action: 'defend',
        would_trade_if_enabled: true,
        execution_controls: E1,
      }),
    );
    expect(shouldAlert(s)).toBe(false);
  });

  it('E3 (route): opportunity_watch alerts', () => {
    const s = validateSignalPayload(
      base({
        ...MRC,
        canonical_route: 'opportunity_watch',
        suggested_action: 'notify_manual_review',
        execution_controls: E1,
      }),
    );
    expect(shouldAlert(s)).toBe(true);
  });

  it('E2: delegated manual review does not alert', () => {
    const s = validateSignalPayload(
      base({
        ...MRC,
        canonical_route: 'opportunity_watch',
        suggested_action: 'notify_manual_review',
        execution_controls: { ...E1, ...E2 },
      }),
    );
    expect(shouldAlert(s)).toBe(false);
  });

  it('E1/E2 never apply to notification targets', () => {
    const s = validateSignalPayload(
      baseWithout(['strategy'], {
        ...MRC,
        notification_target: 'market_regime_notification',
        canonical_route: 'risk_off',
        suggested_action: 'defend',
        execution_controls: { ...E1, ...E2 },
      }),
    );
    expect(shouldAlert(s)).toBe(true);
  });

  it('E3 (action): blocked alerts; missing route alerts', () => {
    expect(shouldAlert(validateSignalPayload(base({ suggested_action: 'blocked' })))).toBe(true);
    expect(shouldAlert(validateSignalPayload(base({ canonical_route: null, suggested_action: null })))).toBe(
      true,
    );
  });
});

describe('shouldAlert — details', () => {
  it('compares route, action and evidence status case-insensitively', () => {
    expect(
      shouldAlert({ targetType: 'strategy', canonicalRoute: ' NO_ACTION ', suggestedAction: 'Watch_Only' }),
    ).toBe(false);
    expect(
      shouldAlert({ targetType: 'strategy', canonicalRoute: 'no_action', suggestedAction: 'DEFEND' }),
    ).toBe(true);
    expect(
      shouldAlert({
        targetType: 'strategy',
        canonicalRoute: 'risk_reduced',
        suggestedAction: 'DELEVER',
        executionControls: { ...E1, consumption_evidence_status: ' Automation_Approved ' },
      }),
    ).toBe(false);
  });

  it('E1 needs every flag; E2 needs a target', () => {
    const s = { targetType: 'strategy', canonicalRoute: 'risk_off', suggestedAction: 'defend' };
    expect(shouldAlert({ ...s, executionControls: { ...E1, position_control_allowed: 'no' } })).toBe(true);
    expect(
      shouldAlert({ ...s, executionControls: { ...E1, consumption_evidence_status: 'notification_only' } }),
    ).toBe(true);
    expect(shouldAlert({ ...s, suggestedAction: 'watch_only', executionControls: E1 })).toBe(true);
    expect(shouldAlert({ ...s, executionControls: { ...E2, manual_review_notification_target: ' ' } })).toBe(
      true,
    );
    expect(shouldAlert({ ...s, executionControls: E2 })).toBe(false);
  });

  it('a signal-like object without targetType never gets E1/E2 (decided rule)', () => {
    expect(
      shouldAlert({
        canonicalRoute: 'risk_off',
        suggestedAction: 'defend',
        executionControls: { ...E1, ...E2 },
      }),
    ).toBe(true);
  });

  it('would_trade_if_enabled uses Python truthiness on signal-likes', () => {
    expect(
      shouldAlert({
        targetType: 'strategy',
        canonicalRoute: 'no_action',
        suggestedAction: 'no_action',
        wouldTradeIfEnabled: 'false',
      }),
    ).toBe(true);
    expect(
      shouldAlert({
        targetType: 'strategy',
        canonicalRoute: 'no_action',
        suggestedAction: 'no_action',
        wouldTradeIfEnabled: 0,
      }),
    ).toBe(false);
  });

  it('never throws on arbitrary signal-likes', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            targetType: fc.jsonValue(),
            canonicalRoute: fc.jsonValue(),
            suggestedAction: fc.jsonValue(),
            wouldTradeIfEnabled: fc.jsonValue(),
            executionControls: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
        (s) => {
          expect(typeof shouldAlert(s)).toBe('boolean');
        },
      ),
    );
  });
});
