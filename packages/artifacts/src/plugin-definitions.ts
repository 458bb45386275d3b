import { ArtifactContractError } from './errors.js';
import { cpSort, isObject, normMode, optStr, pyTruthy, reqStr } from './py-coerce.js';

/** Input shape of a plugin definition; values are normalised by `definePluginDefinition`. */
export interface PluginDefinitionInput {
  plugin: unknown;
  supportedStrategies?: readonly unknown[] | null;
  supportedModes?: readonly unknown[];
  supportedSchemaVersions?: readonly unknown[];
  defaultSchemaVersion?: unknown;
  deprecated?: unknown;
  successorPlugin?: unknown;
  alertChannels?: readonly unknown[];
}

/** A normalised, deeply frozen plugin definition (spec §4.2). */
export interface PluginDefinition {
  readonly plugin: string;
  /** `null` means any strategy. */
  readonly supportedStrategies: readonly string[] | null;
  readonly supportedModes: readonly string[];
  /** `[]` means any schema version. */
  readonly supportedSchemaVersions: readonly string[];
  readonly defaultSchemaVersion: string | null;
  readonly deprecated: boolean;
  readonly successorPlugin: string | null;
  /** Informational only: the dispatcher does not consult it. */
  readonly alertChannels: readonly string[];
}

export type PluginRegistryInput =
  | Readonly<Record<string, PluginDefinition | PluginDefinitionInput>>
  | readonly (PluginDefinition | PluginDefinitionInput)[];

/** Options of every call that consults the plugin registry. */
export interface RegistryOptions {
  /** Replaces the whole default registry for the call; plugins not listed become unknown. */
  definitions?: PluginRegistryInput;
  /** Replaces the notification-target table (default `defaultNotificationTargets`). */
  notificationTargetRegistry?: Readonly<Record<string, readonly string[]>>;
}

function invalid(field: string, value: unknown, detail: string): ArtifactContractError {
  return new ArtifactContractError(
    'DEFINITION_INVALID',
    `${field} ${detail}; got ${ArtifactContractError.show(value)}`,
    { field, value, source: 'definition' },
  );
}

function listOf(value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value)) throw invalid(field, value, 'must be a list');
  return value;
}

function dedupe(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/** Normalises a plugin definition (spec §4.2); first failure wins, every failure is `DEFINITION_INVALID`. */
export function definePluginDefinition(input: PluginDefinitionInput): PluginDefinition {
  if (!isObject(input)) throw invalid('definition', input, 'must be an object');
  const plugin = reqStr(input.plugin, 'plugin', 'definition', 'DEFINITION_INVALID');

  const rawStrategies = input.supportedStrategies;
  const supportedStrategies =
    rawStrategies === null || rawStrategies === undefined
      ? null
      : cpSort(
          dedupe(
            listOf(rawStrategies, 'supported_strategies').map((s) =>
              reqStr(s, 'supported_strategy', 'definition', 'DEFINITION_INVALID'),
            ),
          ),
        );

  const rawModes =
    input.supportedModes === undefined ? ['shadow'] : listOf(input.supportedModes, 'supported_modes');
  const supportedModes = dedupe(
    rawModes.map((m) => normMode(m, 'supported_mode', 'definition', 'DEFINITION_INVALID')),
  );
  if (supportedModes.length === 0)
    throw invalid('supported_modes', input.supportedModes, 'must not be empty');

  const rawVersions =
    input.supportedSchemaVersions === undefined
      ? []
      : listOf(input.supportedSchemaVersions, 'supported_schema_versions');
  const supportedSchemaVersions = cpSort(
    dedupe(rawVersions.map((v) => reqStr(v, 'supported_schema_version', 'definition', 'DEFINITION_INVALID'))),
  );

  const defaultSchemaVersion = optStr(input.defaultSchemaVersion);
  if (
    defaultSchemaVersion !== null &&
    supportedSchemaVersions.length > 0 &&
    !supportedSchemaVersions.includes(defaultSchemaVersion)
  ) {
    throw new ArtifactContractError(
      'DEFINITION_INVALID',
      `default_schema_version ${ArtifactContractError.show(defaultSchemaVersion)} of plugin "${plugin}" is not a supported schema version; supported: ${ArtifactContractError.show(supportedSchemaVersions)}`,
      {
        field: 'default_schema_version',
        value: input.defaultSchemaVersion,
        source: 'definition',
        supported: supportedSchemaVersions,
      },
    );
  }

  const rawChannels = input.alertChannels === undefined ? [] : listOf(input.alertChannels, 'alert_channels');
  const alertChannels = rawChannels.map((c) =>
    reqStr(c, 'alert_channel', 'definition', 'DEFINITION_INVALID'),
  );

  return Object.freeze({
    plugin,
    supportedStrategies: supportedStrategies === null ? null : Object.freeze(supportedStrategies),
    supportedModes: Object.freeze(supportedModes),
    supportedSchemaVersions: Object.freeze(supportedSchemaVersions),
    defaultSchemaVersion,
    deprecated: pyTruthy(input.deprecated),
    successorPlugin: optStr(input.successorPlugin),
    alertChannels: Object.freeze(alertChannels),
  });
}

const ALERT_CHANNELS = ['email', 'sms', 'push', 'telegram'];
const SUCCESSOR = 'market_regime_control';

/** The default registry (spec §4.1), keys in the spec's order. */
export const defaultPluginDefinitions: Readonly<Record<string, PluginDefinition>> = Object.freeze({
  crisis_response_shadow: definePluginDefinition({
    plugin: 'crisis_response_shadow',
    supportedStrategies: ['tqqq_growth_income'],
    supportedSchemaVersions: ['crisis_response_shadow.v1'],
    defaultSchemaVersion: 'crisis_response_shadow.v1',
    deprecated: true,
    successorPlugin: SUCCESSOR,
    alertChannels: ALERT_CHANNELS,
  }),
  taco_rebound_shadow: definePluginDefinition({
    plugin: 'taco_rebound_shadow',
    supportedStrategies: ['tqqq_growth_income'],
    supportedSchemaVersions: ['taco_rebound_shadow.v2'],
    defaultSchemaVersion: 'taco_rebound_shadow.v2',
    deprecated: true,
    successorPlugin: SUCCESSOR,
    alertChannels: ALERT_CHANNELS,
  }),
  market_regime_control: definePluginDefinition({
    plugin: 'market_regime_control',
    supportedStrategies: [
      'global_etf_rotation',
      'mega_cap_leader_rotation_top50_balanced',
      'russell_1000_multi_factor_defensive',
      'soxl_soxx_trend_income',
      'tqqq_growth_income',
    ],
    supportedSchemaVersions: ['market_regime_control.v1'],
    defaultSchemaVersion: 'market_regime_control.v1',
    alertChannels: ALERT_CHANNELS,
  }),
  macro_risk_governor: definePluginDefinition({
    plugin: 'macro_risk_governor',
    supportedStrategies: ['tqqq_growth_income'],
    supportedSchemaVersions: ['macro_risk_governor.v1'],
    defaultSchemaVersion: 'macro_risk_governor.v1',
    deprecated: true,
    successorPlugin: SUCCESSOR,
    alertChannels: ALERT_CHANNELS,
  }),
});

/** Which notification targets each plugin may publish to (spec §4.3). */
export const defaultNotificationTargets: Readonly<Record<string, readonly string[]>> = Object.freeze({
  market_regime_control: Object.freeze(['market_regime_notification']),
});

/** A normalised registry: plugin name → definition. */
export type PluginRegistry = ReadonlyMap<string, PluginDefinition>;

const DEFAULT_REGISTRY: PluginRegistry = new Map(
  Object.values(defaultPluginDefinitions).map((d) => [d.plugin, d]),
);

/** Normalises the `definitions` option (spec §4.3); without it, the default registry. */
export function resolveRegistry(opts: RegistryOptions | undefined): PluginRegistry {
  const input = opts?.definitions;
  if (input === undefined || input === null) return DEFAULT_REGISTRY;
  let elements: readonly unknown[];
  if (Array.isArray(input)) elements = input;
  else if (isObject(input)) elements = Object.values(input);
  else throw invalid('definitions', input, 'must be a list or an object of definitions');
  const registry = new Map<string, PluginDefinition>();
  for (const element of elements) {
    if (!isObject(element)) throw invalid('definition', element, 'must be an object');
    const definition = definePluginDefinition(element as unknown as PluginDefinitionInput);
    if (registry.has(definition.plugin)) {
      throw new ArtifactContractError(
        'DUPLICATE_DEFINITION',
        `plugin ${ArtifactContractError.show(definition.plugin)} is defined twice`,
        { field: 'plugin', value: definition.plugin, source: 'definition' },
      );
    }
    registry.set(definition.plugin, definition);
  }
  return registry;
}

/** The notification targets a plugin may publish to, `cpSort`ed. */
export function allowedNotificationTargets(
  plugin: string,
  opts: RegistryOptions | undefined,
): readonly string[] {
  const table = opts?.notificationTargetRegistry ?? defaultNotificationTargets;
  if (!isObject(table) || !Object.hasOwn(table, plugin)) return [];
  const list = (table as Record<string, unknown>)[plugin];
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const item of list) {
    const s = optStr(item);
    if (s !== null && !out.includes(s)) out.push(s);
  }
  return cpSort(out);
}
