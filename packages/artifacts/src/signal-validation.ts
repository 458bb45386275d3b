import { ArtifactContractError } from './errors.js';
import { resolveRegistry, type PluginRegistry, type RegistryOptions } from './plugin-definitions.js';
import {
  checkNotificationTarget,
  checkSchemaVersionSupported,
  checkStrategyCompatibility,
} from './registry-checks.js';
import { asBool, hasKey, isObject, normMode, optStr, pyTruthy, reqStr } from './py-coerce.js';
import type { StrategySignal } from './strategy-signal.js';

/** What the caller expects the artifact to be; unset (or blank) means "no expectation". */
export interface SignalExpectations {
  strategy?: string | null;
  notificationTarget?: string | null;
  plugin?: string | null;
  mode?: unknown;
  schemaVersion?: string | null;
}

export interface ValidateOptions extends RegistryOptions {
  sourceUri?: string | null;
  localPath?: string | null;
}

const show = ArtifactContractError.show;
const EMPTY_CONTROLS: Readonly<Record<string, unknown>> = Object.freeze({});

function mismatch(
  code:
    | 'TARGET_MISMATCH'
    | 'STRATEGY_MISMATCH'
    | 'NOTIFICATION_TARGET_MISMATCH'
    | 'PLUGIN_MISMATCH'
    | 'MODE_MISMATCH'
    | 'SCHEMA_VERSION_MISMATCH',
  field: string,
  expected: string,
  actual: unknown,
  shown: string = show(actual),
): ArtifactContractError {
  return new ArtifactContractError(code, `${field} must be ${show(expected)}; got ${shown}`, {
    field,
    value: actual,
    expected,
    source: 'artifact',
  });
}

/**
 * Validates one artifact object fail-closed (spec §9) and returns the frozen signal. Only `shadow`
 * mode is ever accepted; the first failing check throws an `ArtifactContractError`.
 */
export function validateSignalPayload(
  payload: unknown,
  expectations: SignalExpectations & ValidateOptions = {},
): StrategySignal {
  // 0. shape
  if (!isObject(payload)) {
    throw new ArtifactContractError('NOT_AN_OBJECT', `artifact must be a JSON object; got ${show(payload)}`, {
      field: 'artifact',
      value: payload,
      source: 'artifact',
    });
  }

  // 1. target type
  let targetType = optStr(payload.target_type);
  if (targetType === null) {
    targetType = optStr(payload.notification_target) !== null ? 'notification_target' : 'strategy';
  }
  if (targetType !== 'strategy' && targetType !== 'notification_target') {
    throw new ArtifactContractError(
      'BAD_TARGET_TYPE',
      `target_type must be "strategy" or "notification_target"; got ${show(payload.target_type)}`,
      {
        field: 'target_type',
        value: payload.target_type,
        source: 'artifact',
        supported: ['strategy', 'notification_target'],
      },
    );
  }

  // 2. identity
  let strategy: string;
  let notificationTarget: string;
  if (targetType === 'notification_target') {
    notificationTarget = reqStr(payload.notification_target, 'notification_target', 'artifact');
    strategy = optStr(payload.strategy) ?? '';
  } else {
    strategy = reqStr(payload.strategy, 'strategy', 'artifact');
    notificationTarget = optStr(payload.notification_target) ?? '';
  }

  // 3. plugin
  const plugin = reqStr(payload.plugin, 'plugin', 'artifact');

  // 4. modes: only an absent key defaults to `mode`; a present null is rejected
  const mode = normMode(payload.mode, 'mode', 'artifact');
  const configuredMode = hasKey(payload, 'configured_mode')
    ? normMode(payload.configured_mode, 'configured_mode', 'artifact')
    : mode;
  const effectiveMode = hasKey(payload, 'effective_mode')
    ? normMode(payload.effective_mode, 'effective_mode', 'artifact')
    : mode;

  // 5. expectations
  const expectedStrategy = optStr(expectations.strategy);
  const expectedTarget = optStr(expectations.notificationTarget);
  const expectedPlugin = optStr(expectations.plugin);
  if (expectedStrategy !== null && targetType !== 'strategy') {
    throw mismatch('TARGET_MISMATCH', 'target_type', 'strategy', targetType);
  }
  if (expectedStrategy !== null && strategy !== expectedStrategy) {
    throw mismatch('STRATEGY_MISMATCH', 'strategy', expectedStrategy, strategy);
  }
  if (expectedTarget !== null && targetType !== 'notification_target') {
    throw mismatch('TARGET_MISMATCH', 'target_type', 'notification_target', targetType);
  }
  if (expectedTarget !== null && notificationTarget !== expectedTarget) {
    throw mismatch('NOTIFICATION_TARGET_MISMATCH', 'notification_target', expectedTarget, notificationTarget);
  }
  if (expectedPlugin !== null && plugin !== expectedPlugin) {
    throw mismatch('PLUGIN_MISMATCH', 'plugin', expectedPlugin, plugin);
  }
  if (expectations.mode !== null && expectations.mode !== undefined) {
    const expectedMode = normMode(expectations.mode, 'expected_mode', 'artifact');
    if (expectedMode !== effectiveMode)
      throw mismatch('MODE_MISMATCH', 'effective_mode', expectedMode, effectiveMode);
  }

  // 6. registry check (definition errors surface here for strategy targets)
  let registry: PluginRegistry | undefined;
  if (targetType === 'strategy') {
    registry = resolveRegistry(expectations);
    checkStrategyCompatibility(registry, strategy, plugin, effectiveMode, 'artifact');
  } else {
    checkNotificationTarget(expectations, notificationTarget, plugin, 'artifact');
  }

  // 7. schema version
  const schemaVersion = optStr(payload.schema_version) ?? '';
  registry ??= resolveRegistry(expectations);
  const expectedVersion = optStr(expectations.schemaVersion);
  if (expectedVersion !== null && (schemaVersion || null) !== expectedVersion) {
    throw mismatch(
      'SCHEMA_VERSION_MISMATCH',
      'schema_version',
      expectedVersion,
      payload.schema_version,
      schemaVersion === '' ? '<missing>' : show(schemaVersion),
    );
  }
  checkSchemaVersionSupported(registry, plugin, schemaVersion, 'schema_version', 'artifact');

  // 8. execution controls: falsy values count as {}
  const rawControls = payload.execution_controls;
  const controls = pyTruthy(rawControls) ? rawControls : EMPTY_CONTROLS;
  if (!isObject(controls)) {
    throw new ArtifactContractError(
      'BAD_EXECUTION_CONTROLS',
      `execution_controls must be an object; got ${show(rawControls)}`,
      { field: 'execution_controls', value: rawControls, source: 'artifact' },
    );
  }

  // 9. the signal
  const definition = registry.get(plugin);
  return Object.freeze({
    strategy,
    targetType,
    notificationTarget,
    plugin,
    mode,
    configuredMode,
    effectiveMode,
    schemaVersion,
    deprecatedPlugin: definition?.deprecated ?? false,
    successorPlugin: definition?.successorPlugin ?? null,
    supportedSchemaVersions: definition?.supportedSchemaVersions ?? EMPTY_LIST,
    asOf: optStr(payload.as_of) ?? '',
    canonicalRoute: optStr(payload.canonical_route),
    suggestedAction: optStr(payload.suggested_action),
    wouldTradeIfEnabled: asBool(payload.would_trade_if_enabled, false),
    executionControls: Object.freeze({ ...controls }),
    sourceUri: optStr(expectations.sourceUri),
    localPath: optStr(expectations.localPath),
    payload: Object.freeze({ ...payload }),
  });
}

const EMPTY_LIST: readonly string[] = Object.freeze([]);
