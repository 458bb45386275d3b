import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrown } from '../test/base-artifact.js';
import { ArtifactContractError } from './errors.js';
import {
  parseNotificationTargets,
  parseStrategyPluginMounts,
  parseStrategyPluginMountsFromEnv,
  STRATEGY_PLUGIN_MOUNTS_ENV,
} from './mount-config.js';

const MRC_STRATEGIES = [
  'global_etf_rotation',
  'mega_cap_leader_rotation_top50_balanced',
  'russell_1000_multi_factor_defensive',
  'soxl_soxx_trend_income',
  'tqqq_growth_income',
];

describe('parseStrategyPluginMounts — §20 example 1', () => {
  it('normalises aliases, trimming, enabled and expected_mode', () => {
    const raw = {
      strategy_plugins: [
        {
          strategy: ' tqqq_growth_income ',
          plugin: 'market_regime_control',
          signal_path: '',
          latest_signal_path: 'gs://b/a.json',
          enabled: 'no',
          expected_mode: ' SHADOW ',
        },
        {
          strategy: 'soxl_soxx_trend_income',
          plugin: 'market_regime_control',
          path: '/data/b.json',
          expected_schema_version: ' market_regime_control.v1 ',
        },
      ],
    };
    const expected = [
      {
        strategy: 'tqqq_growth_income',
        plugin: 'market_regime_control',
        signalPath: 'gs://b/a.json',
        enabled: false,
        expectedMode: 'shadow',
        expectedSchemaVersion: null,
      },
      {
        strategy: 'soxl_soxx_trend_income',
        plugin: 'market_regime_control',
        signalPath: '/data/b.json',
        enabled: true,
        expectedMode: null,
        expectedSchemaVersion: 'market_regime_control.v1',
      },
    ];
    expect(parseStrategyPluginMounts(raw)).toEqual(expected);
    expect(parseStrategyPluginMounts(JSON.stringify(raw))).toEqual(expected);
    expect(Object.isFrozen(parseStrategyPluginMounts(raw))).toBe(true);
  });
});

describe('parseStrategyPluginMounts — §20 example 2 and every rule', () => {
  const item = { strategy: 'tqqq_growth_income', plugin: 'market_regime_control', signal_path: 'x.json' };

  it.each([
    [
      [
        {
          ...item,
          plugin: 'crisis_response_shadow',
          signal_path: 'gs://bucket/latest_signal.json',
          mode: null,
        },
      ],
      'MOUNT_SETS_MODE',
    ],
    [[{ ...item, mode: 'shadow' }], 'MOUNT_SETS_MODE'],
    [[{ ...item, expected_schema_version: 'market_regime_control.v99' }], 'UNSUPPORTED_SCHEMA_VERSION'],
    [[{ ...item, expected_mode: 'live' }], 'UNSUPPORTED_MODE'],
    [[{ ...item, expected_mode: '' }], 'UNSUPPORTED_MODE'],
    ['"tqqq"', 'MOUNT_SHAPE'],
    [{ strategy_plugins: null }, 'MOUNT_SHAPE'],
    [42, 'MOUNT_SHAPE'],
    ['[{"strategy": ', 'BAD_JSON'],
    ['   ', 'BAD_JSON'],
    [[42], 'MOUNT_ITEM_NOT_OBJECT'],
    [[[item]], 'MOUNT_ITEM_NOT_OBJECT'],
    [[{ ...item, strategy: ' ' }], 'REQUIRED_FIELD'],
    [[{ ...item, plugin: null }], 'REQUIRED_FIELD'],
    [[{ ...item, signal_path: '' }], 'REQUIRED_FIELD'],
    [[item, { ...item, strategy: ' tqqq_growth_income ', signal_path: 'y.json' }], 'DUPLICATE_MOUNT'],
  ])('%j → %s', (raw, code) => {
    const error = thrown(() => parseStrategyPluginMounts(raw));
    expect(error).toBeInstanceOf(ArtifactContractError);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).not.toMatch(/\n/);
  });

  it('UNSUPPORTED_STRATEGY lists the sorted supported strategies', () => {
    const error = thrown(() =>
      parseStrategyPluginMounts([{ ...item, strategy: 'tech_communication_pullback_enhancement' }]),
    ) as ArtifactContractError;
    expect(error.code).toBe('UNSUPPORTED_STRATEGY');
    expect(error.supported).toEqual(MRC_STRATEGIES);
    expect(error.source).toBe('mount');
    expect(error.message).toBe(
      `plugin "market_regime_control" does not support strategy "tech_communication_pullback_enhancement" (mount); supported: ${JSON.stringify(MRC_STRATEGIES)}`,
    );
  });

  it('checks schema version before strategy support', () => {
    const error = thrown(() =>
      parseStrategyPluginMounts([{ ...item, strategy: 'nope', expected_schema_version: 'v99' }]),
    );
    expect(error).toMatchObject({ code: 'UNSUPPORTED_SCHEMA_VERSION', source: 'mount' });
  });

  it('accepts unknown plugins for any strategy and version', () => {
    const [mount] = parseStrategyPluginMounts([
      {
        strategy: 'anything',
        plugin: 'panic_reversal_shadow',
        path: 'p.json',
        expected_schema_version: 'v7',
      },
    ]);
    expect(mount).toMatchObject({
      plugin: 'panic_reversal_shadow',
      expectedSchemaVersion: 'v7',
      enabled: true,
    });
  });

  it('reads legacy "plugins", hides it behind a present strategy_plugins, and ignores unknown keys', () => {
    expect(parseStrategyPluginMounts({ plugins: [item] })).toHaveLength(1);
    expect(parseStrategyPluginMounts({ strategy_plugins: [], plugins: [item] })).toEqual([]);
    expect(parseStrategyPluginMounts({ other: [item] })).toEqual([]);
    expect(parseStrategyPluginMounts([{ ...item, extra: 1 }])).toHaveLength(1);
    expect(parseStrategyPluginMounts(null)).toEqual([]);
    expect(parseStrategyPluginMounts(undefined)).toEqual([]);
    expect(parseStrategyPluginMounts('')).toEqual([]);
  });

  it('expected_mode null is fine', () => {
    expect(parseStrategyPluginMounts([{ ...item, expected_mode: null }])[0]!.expectedMode).toBeNull();
  });

  it('takes the last path alias as is when none is truthy (Python `or` chain)', () => {
    expect(parseStrategyPluginMounts([{ ...item, signal_path: '', path: 0 }])[0]!.signalPath).toBe('0');
    expect(thrown(() => parseStrategyPluginMounts([{ ...item, signal_path: '', path: null }]))).toMatchObject(
      {
        code: 'REQUIRED_FIELD',
        field: 'signal_path',
      },
    );
  });

  it('first failure wins across items', () => {
    const error = thrown(() => parseStrategyPluginMounts([{ ...item, mode: 'x' }, 42]));
    expect(error).toMatchObject({ code: 'MOUNT_SETS_MODE' });
  });

  it('reads STRATEGY_PLUGIN_MOUNTS_JSON from an environment', () => {
    const env = { [STRATEGY_PLUGIN_MOUNTS_ENV]: JSON.stringify({ strategy_plugins: [item] }) };
    expect(parseStrategyPluginMountsFromEnv(env)).toEqual(parseStrategyPluginMounts([item]));
    expect(parseStrategyPluginMountsFromEnv({})).toEqual([]);
  });
});

describe('parseNotificationTargets', () => {
  const target = {
    notification_target: 'market_regime_notification',
    plugin: 'market_regime_control',
    signal_path: 'gs://example-bucket/n.json',
    expected_schema_version: 'market_regime_control.v1',
  };

  it('parses the object form', () => {
    expect(parseNotificationTargets({ notification_targets: [target] })).toEqual([
      {
        notificationTarget: 'market_regime_notification',
        plugin: 'market_regime_control',
        signalPath: 'gs://example-bucket/n.json',
        enabled: true,
        expectedMode: null,
        expectedSchemaVersion: 'market_regime_control.v1',
      },
    ]);
  });

  it('reads only notification_targets', () => {
    expect(parseNotificationTargets({ plugins: [target], strategy_plugins: [target] })).toEqual([]);
    expect(thrown(() => parseNotificationTargets({ notification_targets: {} }))).toMatchObject({
      code: 'MOUNT_SHAPE',
    });
  });

  it('§20 example 2: UNSUPPORTED_NOTIFICATION_TARGET with an empty allow-list', () => {
    const error = thrown(() =>
      parseNotificationTargets([
        {
          notification_target: 'market_regime_notification',
          plugin: 'crisis_response_shadow',
          signal_path: 'x.json',
        },
      ]),
    );
    expect(error).toMatchObject({
      code: 'UNSUPPORTED_NOTIFICATION_TARGET',
      supported: [],
      source: 'notification_target',
    });
  });

  it('rejects strategy names as targets and applies the other rules', () => {
    expect(
      thrown(() => parseNotificationTargets([{ ...target, notification_target: 'soxl_soxx_trend_income' }])),
    ).toMatchObject({
      code: 'UNSUPPORTED_NOTIFICATION_TARGET',
      supported: ['market_regime_notification'],
    });
    expect(thrown(() => parseNotificationTargets([{ ...target, mode: null }]))).toMatchObject({
      code: 'MOUNT_SETS_MODE',
    });
    expect(thrown(() => parseNotificationTargets([{ ...target, notification_target: '' }]))).toMatchObject({
      code: 'REQUIRED_FIELD',
      field: 'notification_target',
    });
    expect(thrown(() => parseNotificationTargets([target, target]))).toMatchObject({
      code: 'DUPLICATE_MOUNT',
    });
    expect(thrown(() => parseNotificationTargets([{ ...target, expected_mode: 'paper' }]))).toMatchObject({
      code: 'UNSUPPORTED_MODE',
    });
    expect(
      thrown(() => parseNotificationTargets([{ ...target, expected_schema_version: 'v2' }])),
    ).toMatchObject({
      code: 'UNSUPPORTED_SCHEMA_VERSION',
      source: 'notification_target',
    });
  });

  it('uses a replaced notification-target table, independent of definitions', () => {
    const opts = { notificationTargetRegistry: { crisis_response_shadow: ['desk'] }, definitions: [] };
    expect(
      parseNotificationTargets(
        [
          {
            ...target,
            notification_target: 'desk',
            plugin: 'crisis_response_shadow',
            expected_schema_version: null,
          },
        ],
        opts,
      ),
    ).toHaveLength(1);
    expect(thrown(() => parseNotificationTargets([target], opts))).toMatchObject({
      code: 'UNSUPPORTED_NOTIFICATION_TARGET',
    });
  });
});

describe('mount parsers — properties', () => {
  const mountItem = fc.record(
    {
      strategy: fc.oneof(fc.constantFrom('tqqq_growth_income', 'global_etf_rotation', ' x '), fc.jsonValue()),
      plugin: fc.oneof(
        fc.constantFrom('market_regime_control', 'crisis_response_shadow', 'other'),
        fc.jsonValue(),
      ),
      notification_target: fc.oneof(fc.constant('market_regime_notification'), fc.jsonValue()),
      signal_path: fc.jsonValue(),
      path: fc.jsonValue(),
      mode: fc.jsonValue(),
      expected_mode: fc.oneof(fc.constant('shadow'), fc.jsonValue()),
      expected_schema_version: fc.oneof(fc.constant('market_regime_control.v1'), fc.jsonValue()),
      enabled: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  const config = fc.oneof(
    fc.jsonValue(),
    fc.array(fc.oneof(mountItem, fc.jsonValue())),
    fc.record(
      { strategy_plugins: fc.array(mountItem), notification_targets: fc.array(mountItem) },
      { requiredKeys: [] },
    ),
  );

  it('never throw anything but ArtifactContractError, and parsed mounts are well-formed', () => {
    fc.assert(
      fc.property(config, fc.boolean(), (raw, asText) => {
        const input = asText ? JSON.stringify(raw) : raw;
        for (const parse of [parseStrategyPluginMounts, parseNotificationTargets]) {
          try {
            for (const m of parse(input)) {
              expect(m.expectedMode === null || m.expectedMode === 'shadow').toBe(true);
              expect(m.signalPath.length).toBeGreaterThan(0);
              expect(typeof m.enabled).toBe('boolean');
            }
          } catch (error) {
            expect(error).toBeInstanceOf(ArtifactContractError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reject any item that sets mode', () => {
    fc.assert(
      fc.property(mountItem, fc.jsonValue(), (item, mode) => {
        expect(thrown(() => parseStrategyPluginMounts([{ ...item, mode }]))).toBeInstanceOf(
          ArtifactContractError,
        );
      }),
    );
  });
});
