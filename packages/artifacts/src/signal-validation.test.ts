import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE, base, baseWithout, thrown } from '../test/base-artifact.js';
import { ArtifactContractError } from './errors.js';
import { pyStr, pyTrim, pyTruthy } from './py-coerce.js';
import { buildReportPayload } from './report-payload.js';
import { shouldAlert } from './escalation.js';
import { validateSignalPayload } from './signal-validation.js';

function codeOf(payload: unknown, expectations?: Parameters<typeof validateSignalPayload>[1]): string {
  return (thrown(() => validateSignalPayload(payload, expectations)) as ArtifactContractError).code;
}

describe('validateSignalPayload — §20 example 2 rejections', () => {
  it('non-shadow modes are UNSUPPORTED_MODE on field mode', () => {
    const error = thrown(() =>
      validateSignalPayload(base({ mode: 'paper', configured_mode: 'paper', effective_mode: 'paper' })),
    );
    expect(error).toMatchObject({ code: 'UNSUPPORTED_MODE', field: 'mode', value: 'paper' });
  });

  it('a present null configured_mode fails', () => {
    expect(thrown(() => validateSignalPayload(base({ configured_mode: null })))).toMatchObject({
      code: 'UNSUPPORTED_MODE',
      field: 'configured_mode',
    });
  });

  it('missing schema_version with an expectation is SCHEMA_VERSION_MISMATCH', () => {
    const error = thrown(() =>
      validateSignalPayload(baseWithout(['schema_version']), { schemaVersion: 'crisis_response_shadow.v1' }),
    ) as ArtifactContractError;
    expect(error.code).toBe('SCHEMA_VERSION_MISMATCH');
    expect(error.message).toContain('<missing>');
    expect(error.expected).toBe('crisis_response_shadow.v1');
  });

  it.each([
    [base({ target_type: 'portfolio' }), {}, 'BAD_TARGET_TYPE'],
    [base({ target_type: 'Strategy' }), {}, 'BAD_TARGET_TYPE'],
    [base({ execution_controls: ['broker_order_allowed'] }), {}, 'BAD_EXECUTION_CONTROLS'],
    [base({ execution_controls: 'yes' }), {}, 'BAD_EXECUTION_CONTROLS'],
    [base(), { notificationTarget: 'market_regime_notification' }, 'TARGET_MISMATCH'],
    [base(), { strategy: 'tqqq_growth_income', plugin: 'other_plugin' }, 'PLUGIN_MISMATCH'],
  ])('%#: → %s', (payload, expectations, code) => {
    expect(codeOf(payload, expectations)).toBe(code);
  });
});

describe('validateSignalPayload — every rule in order', () => {
  it('0. NOT_AN_OBJECT', () => {
    for (const v of [null, [1, 2], 'x', 3, true]) expect(codeOf(v)).toBe('NOT_AN_OBJECT');
  });

  it('1. target type is inferred from notification_target and is case-sensitive', () => {
    const nt = baseWithout(['strategy'], {
      notification_target: 'market_regime_notification',
      plugin: 'market_regime_control',
      schema_version: 'market_regime_control.v1',
    });
    expect(validateSignalPayload(nt).targetType).toBe('notification_target');
    expect(validateSignalPayload(base({ target_type: ' strategy ' })).targetType).toBe('strategy');
    expect(codeOf(base({ target_type: 'NOTIFICATION_TARGET' }))).toBe('BAD_TARGET_TYPE');
  });

  it('2. identity: REQUIRED_FIELD for strategy / notification_target', () => {
    expect(thrown(() => validateSignalPayload(baseWithout(['strategy'])))).toMatchObject({
      code: 'REQUIRED_FIELD',
      field: 'strategy',
    });
    expect(thrown(() => validateSignalPayload(base({ target_type: 'notification_target' })))).toMatchObject({
      code: 'REQUIRED_FIELD',
      field: 'notification_target',
    });
  });

  it('3. plugin is required', () => {
    expect(thrown(() => validateSignalPayload(base({ plugin: ' ' })))).toMatchObject({
      code: 'REQUIRED_FIELD',
      field: 'plugin',
    });
  });

  it('4. modes: absent keys default to mode; a present null or bad value fails', () => {
    const s = validateSignalPayload(baseWithout(['configured_mode', 'effective_mode'], { mode: ' SHADOW ' }));
    expect([s.mode, s.configuredMode, s.effectiveMode]).toEqual(['shadow', 'shadow', 'shadow']);
    expect(thrown(() => validateSignalPayload(baseWithout(['mode'])))).toMatchObject({
      code: 'UNSUPPORTED_MODE',
      field: 'mode',
    });
    expect(thrown(() => validateSignalPayload(base({ effective_mode: 'live' })))).toMatchObject({
      code: 'UNSUPPORTED_MODE',
      field: 'effective_mode',
    });
  });

  it('5. expectations, in order', () => {
    expect(codeOf(base(), { strategy: 'global_etf_rotation' })).toBe('STRATEGY_MISMATCH');
    const nt = baseWithout(['strategy'], {
      notification_target: 'market_regime_notification',
      plugin: 'market_regime_control',
      schema_version: 'market_regime_control.v1',
    });
    expect(codeOf(nt, { strategy: 'tqqq_growth_income' })).toBe('TARGET_MISMATCH');
    expect(codeOf(nt, { notificationTarget: 'other' })).toBe('NOTIFICATION_TARGET_MISMATCH');
    expect(codeOf(base(), { strategy: 'x', plugin: 'y' })).toBe('STRATEGY_MISMATCH');
    expect(thrown(() => validateSignalPayload(base(), { mode: 'live' }))).toMatchObject({
      code: 'UNSUPPORTED_MODE',
      field: 'expected_mode',
    });
    expect(thrown(() => validateSignalPayload(base(), { mode: '' }))).toMatchObject({
      code: 'UNSUPPORTED_MODE',
      field: 'expected_mode',
    });
    expect(validateSignalPayload(base(), { mode: ' shadow ', strategy: ' ', plugin: null }).plugin).toBe(
      'crisis_response_shadow',
    );
  });

  it('5f. MODE_MISMATCH is unreachable while only shadow exists', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (mode) => {
        try {
          validateSignalPayload(base(), { mode });
        } catch (error) {
          expect((error as ArtifactContractError).code).toBe('UNSUPPORTED_MODE');
        }
      }),
    );
  });

  it('6. registry: UNSUPPORTED_STRATEGY (artifact) and UNSUPPORTED_NOTIFICATION_TARGET', () => {
    expect(thrown(() => validateSignalPayload(base({ strategy: 'global_etf_rotation' })))).toMatchObject({
      code: 'UNSUPPORTED_STRATEGY',
      source: 'artifact',
      supported: ['tqqq_growth_income'],
    });
    const nt = baseWithout(['strategy'], {
      notification_target: 'soxl_soxx_trend_income',
      plugin: 'market_regime_control',
    });
    expect(thrown(() => validateSignalPayload(nt))).toMatchObject({
      code: 'UNSUPPORTED_NOTIFICATION_TARGET',
      source: 'artifact',
    });
  });

  it('6/7. definition errors surface at step 6 for strategies and step 7 for targets', () => {
    const bad = { definitions: [{ plugin: 'x', supportedModes: [] }] };
    expect(codeOf(base({ plugin: ' ' }), bad)).toBe('REQUIRED_FIELD');
    expect(codeOf(base(), bad)).toBe('DEFINITION_INVALID');
    const nt = baseWithout(['strategy'], { notification_target: 'other', plugin: 'market_regime_control' });
    expect(codeOf(nt, bad)).toBe('UNSUPPORTED_NOTIFICATION_TARGET');
    const ok = baseWithout(['strategy'], {
      notification_target: 'market_regime_notification',
      plugin: 'market_regime_control',
    });
    expect(codeOf(ok, bad)).toBe('DEFINITION_INVALID');
  });

  it('7. schema versions', () => {
    expect(
      thrown(() => validateSignalPayload(base({ schema_version: 'crisis_response_shadow.v2' }))),
    ).toMatchObject({
      code: 'UNSUPPORTED_SCHEMA_VERSION',
      source: 'artifact',
      supported: ['crisis_response_shadow.v1'],
    });
    expect(codeOf(base(), { schemaVersion: 'crisis_response_shadow.v2' })).toBe('SCHEMA_VERSION_MISMATCH');
    expect(validateSignalPayload(baseWithout(['schema_version'])).schemaVersion).toBe('');
    expect(
      validateSignalPayload(base(), { schemaVersion: ' crisis_response_shadow.v1 ' }).schemaVersion,
    ).toBe('crisis_response_shadow.v1');
  });

  it('8. falsy execution_controls become {}', () => {
    for (const ec of [[], '', 0, false, null, {}]) {
      expect(validateSignalPayload(base({ execution_controls: ec })).executionControls).toEqual({});
    }
    expect(validateSignalPayload(baseWithout(['execution_controls'])).executionControls).toEqual({});
  });

  it('rejection messages are one line, name the field and show the value', () => {
    const error = thrown(() => validateSignalPayload(base({ mode: 'x'.repeat(500) }))) as Error;
    expect(error.message.startsWith('mode must be "shadow"; got "xxx')).toBe(true);
    expect(error.message.endsWith('…')).toBe(true);
    const multi = thrown(() => validateSignalPayload(base({ target_type: 'a\nb' }))) as Error;
    expect(multi.message).not.toContain('\n');
  });
});

describe('§20 example 3 — validation and report payload', () => {
  it('produces the exact report of a deprecated plugin', () => {
    const signal = validateSignalPayload(BASE, { sourceUri: 'gs://bucket/latest_signal.json' });
    expect(buildReportPayload([signal])).toStrictEqual({
      strategy_plugins: [
        {
          strategy: 'tqqq_growth_income',
          target_type: 'strategy',
          notification_target: '',
          plugin: 'crisis_response_shadow',
          mode: 'shadow',
          configured_mode: 'shadow',
          effective_mode: 'shadow',
          schema_version: 'crisis_response_shadow.v1',
          deprecated_plugin: true,
          successor_plugin: 'market_regime_control',
          supported_schema_versions: ['crisis_response_shadow.v1'],
          as_of: '2026-04-17',
          canonical_route: 'no_action',
          suggested_action: 'watch_only',
          would_trade_if_enabled: false,
          execution_controls: {
            broker_order_allowed: false,
            live_allocation_mutation_allowed: false,
            repository_broker_write_allowed: false,
            repository_allocation_mutation_allowed: false,
            strategy_runtime_metadata_allowed: false,
          },
          source_uri: 'gs://bucket/latest_signal.json',
          local_path: null,
        },
      ],
    });
    expect(Object.keys(buildReportPayload([signal]).strategy_plugins[0]!)).toEqual([
      'strategy',
      'target_type',
      'notification_target',
      'plugin',
      'mode',
      'configured_mode',
      'effective_mode',
      'schema_version',
      'deprecated_plugin',
      'successor_plugin',
      'supported_schema_versions',
      'as_of',
      'canonical_route',
      'suggested_action',
      'would_trade_if_enabled',
      'execution_controls',
      'source_uri',
      'local_path',
    ]);
    expect(shouldAlert(signal)).toBe(false);
    expect(Object.isFrozen(signal)).toBe(true);
  });

  it('variants', () => {
    const yes = validateSignalPayload(baseWithout(['as_of'], { would_trade_if_enabled: 'Yes' }));
    const [summary] = buildReportPayload([yes]).strategy_plugins;
    expect(summary).toMatchObject({ as_of: '', would_trade_if_enabled: true });
    expect(shouldAlert(yes)).toBe(true);
    expect(
      buildReportPayload([validateSignalPayload(base({ execution_controls: [] }))]).strategy_plugins[0]!
        .execution_controls,
    ).toEqual({});
    const panic = validateSignalPayload(
      base({ plugin: 'panic_reversal_shadow', schema_version: 'panic_reversal_shadow.v1' }),
    );
    expect(buildReportPayload([panic]).strategy_plugins[0]).toMatchObject({
      deprecated_plugin: false,
      successor_plugin: null,
      supported_schema_versions: [],
    });
  });

  it('the report never includes the raw payload and copies mutable parts', () => {
    const signal = validateSignalPayload(base({ secret_blob: 'x' }));
    const report = buildReportPayload([signal]);
    expect(JSON.stringify(report)).not.toContain('secret_blob');
    report.strategy_plugins[0]!.supported_schema_versions.push('mutated');
    expect(signal.supportedSchemaVersions).toEqual(['crisis_response_shadow.v1']);
  });
});

describe('§20 example 4 — notification-target artifacts', () => {
  it('infers the target type and reports an empty strategy', () => {
    const signal = validateSignalPayload(
      baseWithout(['strategy'], {
        plugin: 'market_regime_control',
        schema_version: 'market_regime_control.v1',
        notification_target: 'market_regime_notification',
      }),
    );
    expect(buildReportPayload([signal]).strategy_plugins[0]).toMatchObject({
      strategy: '',
      target_type: 'notification_target',
      notification_target: 'market_regime_notification',
      deprecated_plugin: false,
      supported_schema_versions: ['market_regime_control.v1'],
    });
    expect(shouldAlert(signal)).toBe(false);
  });

  it('an explicit strategy target keeps its notification_target value', () => {
    const signal = validateSignalPayload(
      base({
        plugin: 'market_regime_control',
        schema_version: 'market_regime_control.v1',
        target_type: 'strategy',
        notification_target: 'market_regime_notification',
      }),
    );
    expect(buildReportPayload([signal]).strategy_plugins[0]).toMatchObject({
      strategy: 'tqqq_growth_income',
      target_type: 'strategy',
      notification_target: 'market_regime_notification',
    });
  });
});

describe('validateSignalPayload — properties', () => {
  const modeValue = fc.oneof(
    fc.constantFrom('shadow', ' SHADOW ', 'Shadow', 'paper', 'live', ''),
    fc.jsonValue(),
  );
  const artifact = fc.record(
    {
      target_type: fc.oneof(fc.constantFrom('strategy', 'notification_target'), fc.jsonValue()),
      strategy: fc.oneof(fc.constantFrom('tqqq_growth_income', 'global_etf_rotation'), fc.jsonValue()),
      notification_target: fc.oneof(fc.constant('market_regime_notification'), fc.jsonValue()),
      plugin: fc.oneof(
        fc.constantFrom('crisis_response_shadow', 'market_regime_control', 'unknown_x'),
        fc.jsonValue(),
      ),
      mode: modeValue,
      configured_mode: modeValue,
      effective_mode: modeValue,
      schema_version: fc.oneof(
        fc.constantFrom('crisis_response_shadow.v1', 'market_regime_control.v1'),
        fc.jsonValue(),
      ),
      execution_controls: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
      as_of: fc.jsonValue(),
      canonical_route: fc.jsonValue(),
      suggested_action: fc.jsonValue(),
      would_trade_if_enabled: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  const expectations = fc.record(
    {
      strategy: fc.option(fc.constantFrom('tqqq_growth_income', 'x')),
      notificationTarget: fc.option(fc.constant('market_regime_notification')),
      plugin: fc.option(fc.constantFrom('crisis_response_shadow', 'market_regime_control')),
      mode: fc.jsonValue(),
      schemaVersion: fc.option(fc.constant('crisis_response_shadow.v1')),
    },
    { requiredKeys: [] },
  );

  function check(payload: unknown, exp: Parameters<typeof validateSignalPayload>[1] = {}): void {
    let signal: ReturnType<typeof validateSignalPayload>;
    try {
      signal = validateSignalPayload(payload, exp);
    } catch (error) {
      expect(error).toBeInstanceOf(ArtifactContractError);
      return;
    }
    const p = payload as Record<string, unknown>;
    // Accepted ⇒ every mode field present in the artifact says shadow.
    for (const key of ['mode', 'configured_mode', 'effective_mode']) {
      if (p[key] !== undefined)
        expect(pyTrim(pyStr(pyTruthy(p[key]) ? p[key] : '')).toLowerCase()).toBe('shadow');
    }
    expect(p.mode).toBeDefined();
    expect([signal.mode, signal.configuredMode, signal.effectiveMode]).toEqual([
      'shadow',
      'shadow',
      'shadow',
    ]);
    expect(['strategy', 'notification_target']).toContain(signal.targetType);
  }

  it('arbitrary JSON never throws anything but ArtifactContractError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), expectations, (v, e) => check(v, e)),
      { numRuns: 300 },
    );
  });

  it('artifact-shaped objects: only shadow artifacts are accepted', () => {
    fc.assert(
      fc.property(artifact, expectations, (a, e) => check(a, e)),
      { numRuns: 1000 },
    );
  });

  it('mutations of BASE: only shadow artifacts are accepted', () => {
    const keys = Object.keys(BASE);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.string()), fc.option(fc.jsonValue())), {
          maxLength: 4,
        }),
        (mutations) => {
          const copy = base();
          for (const [key, value] of mutations) {
            if (value === null) delete copy[key];
            else copy[key] = value;
          }
          check(copy);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
