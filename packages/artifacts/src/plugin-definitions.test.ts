import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrown } from '../test/base-artifact.js';
import { ArtifactContractError } from './errors.js';
import { parseStrategyPluginMounts } from './mount-config.js';
import {
  defaultNotificationTargets,
  defaultPluginDefinitions,
  definePluginDefinition,
  resolveRegistry,
} from './plugin-definitions.js';

describe('default registry', () => {
  it('holds the four plugins in the spec order, frozen', () => {
    expect(Object.keys(defaultPluginDefinitions)).toEqual([
      'crisis_response_shadow',
      'taco_rebound_shadow',
      'market_regime_control',
      'macro_risk_governor',
    ]);
    expect(Object.isFrozen(defaultPluginDefinitions)).toBe(true);
    expect(Object.isFrozen(defaultPluginDefinitions.market_regime_control!.supportedStrategies)).toBe(true);
    expect(defaultPluginDefinitions.market_regime_control).toEqual({
      plugin: 'market_regime_control',
      supportedStrategies: [
        'global_etf_rotation',
        'mega_cap_leader_rotation_top50_balanced',
        'russell_1000_multi_factor_defensive',
        'soxl_soxx_trend_income',
        'tqqq_growth_income',
      ],
      supportedModes: ['shadow'],
      supportedSchemaVersions: ['market_regime_control.v1'],
      defaultSchemaVersion: 'market_regime_control.v1',
      deprecated: false,
      successorPlugin: null,
      alertChannels: ['email', 'sms', 'push', 'telegram'],
    });
    for (const plugin of ['crisis_response_shadow', 'taco_rebound_shadow', 'macro_risk_governor']) {
      expect(defaultPluginDefinitions[plugin]).toMatchObject({
        deprecated: true,
        successorPlugin: 'market_regime_control',
      });
    }
    expect(defaultPluginDefinitions.taco_rebound_shadow!.supportedSchemaVersions).toEqual([
      'taco_rebound_shadow.v2',
    ]);
    expect(defaultNotificationTargets).toEqual({ market_regime_control: ['market_regime_notification'] });
  });
});

describe('definePluginDefinition', () => {
  it('normalises: trims, de-duplicates, sorts by code point and defaults modes to shadow', () => {
    const d = definePluginDefinition({
      plugin: ' p ',
      supportedStrategies: ['b', ' a ', 'b'],
      supportedSchemaVersions: ['v2', 'v1', 'v1'],
      defaultSchemaVersion: 'v1',
      deprecated: 'yes',
      successorPlugin: '  ',
      alertChannels: ['sms', 'sms', 'email'],
    });
    expect(d).toEqual({
      plugin: 'p',
      supportedStrategies: ['a', 'b'],
      supportedModes: ['shadow'],
      supportedSchemaVersions: ['v1', 'v2'],
      defaultSchemaVersion: 'v1',
      deprecated: true,
      successorPlugin: null,
      alertChannels: ['sms', 'sms', 'email'],
    });
    expect(Object.isFrozen(d)).toBe(true);
    expect(definePluginDefinition({ plugin: 'x' }).supportedStrategies).toBeNull();
    expect(definePluginDefinition({ plugin: 'x', supportedStrategies: [] }).supportedStrategies).toEqual([]);
  });

  it('is idempotent', () => {
    for (const d of Object.values(defaultPluginDefinitions)) expect(definePluginDefinition(d)).toEqual(d);
  });

  it.each([
    [{ plugin: ' ' }, 'plugin'],
    [{ plugin: 'p', supportedStrategies: ['a', null] }, 'supported_strategy'],
    [{ plugin: 'p', supportedModes: ['live'] }, 'supported_mode'],
    [{ plugin: 'p', supportedModes: [] }, 'supported_modes'],
    [{ plugin: 'p', supportedSchemaVersions: [''] }, 'supported_schema_version'],
    [{ plugin: 'p', supportedSchemaVersions: ['v1'], defaultSchemaVersion: 'v2' }, 'default_schema_version'],
    [{ plugin: 'p', alertChannels: [' '] }, 'alert_channel'],
  ])('rejects %j with DEFINITION_INVALID naming %s', (input, field) => {
    expect(thrown(() => definePluginDefinition(input))).toMatchObject({ code: 'DEFINITION_INVALID', field });
  });

  it('accepts a default version outside an empty version list', () => {
    expect(definePluginDefinition({ plugin: 'p', defaultSchemaVersion: 'v9' }).defaultSchemaVersion).toBe(
      'v9',
    );
  });

  it('throws only ArtifactContractError on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            plugin: fc.jsonValue(),
            supportedStrategies: fc.option(fc.array(fc.jsonValue())),
            supportedModes: fc.array(fc.oneof(fc.constant('shadow'), fc.jsonValue())),
            supportedSchemaVersions: fc.array(fc.jsonValue()),
            defaultSchemaVersion: fc.jsonValue(),
            deprecated: fc.jsonValue(),
            alertChannels: fc.array(fc.jsonValue()),
          },
          { requiredKeys: ['plugin'] },
        ),
        (input) => {
          try {
            const d = definePluginDefinition(input);
            expect(d.supportedModes).toEqual(['shadow']);
            expect(definePluginDefinition(d)).toEqual(d);
          } catch (error) {
            expect(error).toBeInstanceOf(ArtifactContractError);
          }
        },
      ),
    );
  });
});

describe('registry option', () => {
  it('replaces the default registry; unlisted plugins become unknown', () => {
    const registry = resolveRegistry({ definitions: [{ plugin: 'mine', supportedStrategies: ['s1'] }] });
    expect([...registry.keys()]).toEqual(['mine']);
    // crisis_response_shadow is unknown now, so any strategy is fine.
    const mounts = parseStrategyPluginMounts(
      [{ strategy: 'other', plugin: 'crisis_response_shadow', signal_path: 'x.json' }],
      { definitions: { any: { plugin: 'mine', supportedStrategies: ['s1'] } } },
    );
    expect(mounts).toHaveLength(1);
  });

  it('rejects non-object elements and duplicates', () => {
    expect(thrown(() => resolveRegistry({ definitions: [42 as never] }))).toMatchObject({
      code: 'DEFINITION_INVALID',
    });
    expect(
      thrown(() => resolveRegistry({ definitions: [{ plugin: 'a' }, { plugin: ' a ' }] })),
    ).toMatchObject({
      code: 'DUPLICATE_DEFINITION',
      field: 'plugin',
      value: 'a',
    });
  });

  it('surfaces registry errors in parse calls before JSON parsing, but not for empty input', () => {
    const bad = { definitions: [{ plugin: '' }] };
    expect(parseStrategyPluginMounts('', bad)).toEqual([]);
    expect(parseStrategyPluginMounts(null, bad)).toEqual([]);
    expect(thrown(() => parseStrategyPluginMounts('[{', bad))).toMatchObject({ code: 'DEFINITION_INVALID' });
  });
});
