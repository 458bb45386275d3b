import { ArtifactContractError, type ArtifactErrorSource } from './errors.js';
import { resolveRegistry, type RegistryOptions } from './plugin-definitions.js';
import {
  checkNotificationTarget,
  checkSchemaVersionSupported,
  checkStrategyCompatibility,
} from './registry-checks.js';
import { asBool, hasKey, isObject, normMode, optStr, own, pyOr, reqStr } from './py-coerce.js';

/** One parsed strategy mount: "for strategy S, read plugin P's artifact from `signalPath`". */
export interface StrategyPluginMount {
  readonly strategy: string;
  readonly plugin: string;
  readonly signalPath: string;
  readonly enabled: boolean;
  readonly expectedMode: 'shadow' | null;
  readonly expectedSchemaVersion: string | null;
}

/** One parsed notification-target mount. */
export interface NotificationTargetMount {
  readonly notificationTarget: string;
  readonly plugin: string;
  readonly signalPath: string;
  readonly enabled: boolean;
  readonly expectedMode: 'shadow' | null;
  readonly expectedSchemaVersion: string | null;
}

/** Environment variable holding the strategy mount config JSON. */
export const STRATEGY_PLUGIN_MOUNTS_ENV = 'STRATEGY_PLUGIN_MOUNTS_JSON';

const show = ArtifactContractError.show;

function parseConfigText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ArtifactContractError('BAD_JSON', `mount config is not valid JSON; got ${show(text)}`, {
      field: 'config',
      value: text,
      cause: error,
    });
  }
}

interface CommonMountFields {
  plugin: string;
  signalPath: string;
  enabled: boolean;
  expectedMode: 'shadow' | null;
  expectedSchemaVersion: string | null;
}

function parseItemList(
  raw: unknown,
  kind: 'strategy' | 'notification_target',
  opts: RegistryOptions | undefined,
): { items: readonly unknown[]; registry: ReturnType<typeof resolveRegistry> } | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const registry = resolveRegistry(opts);
  let value = typeof raw === 'string' ? parseConfigText(raw) : raw;
  if (isObject(value)) {
    if (kind === 'strategy') {
      value = hasKey(value, 'strategy_plugins')
        ? value.strategy_plugins
        : hasKey(value, 'plugins')
          ? value.plugins
          : [];
    } else {
      value = hasKey(value, 'notification_targets') ? value.notification_targets : [];
    }
  }
  if (!Array.isArray(value)) {
    const key = kind === 'strategy' ? 'strategy_plugins' : 'notification_targets';
    throw new ArtifactContractError(
      'MOUNT_SHAPE',
      `${key} must be a list (or an object holding one under "${key}"); got ${show(value)}`,
      { field: key, value },
    );
  }
  return { items: value, registry };
}

function parseCommon(
  item: unknown,
  index: number,
  idField: 'strategy' | 'notification_target',
  source: ArtifactErrorSource,
): {
  id: string;
  rest: Omit<CommonMountFields, 'enabled' | 'expectedMode' | 'expectedSchemaVersion'>;
  item: Record<string, unknown>;
} {
  if (!isObject(item)) {
    throw new ArtifactContractError(
      'MOUNT_ITEM_NOT_OBJECT',
      `mount #${index} must be an object; got ${show(item)}`,
      {
        field: `[${index}]`,
        value: item,
        source,
      },
    );
  }
  if (hasKey(item, 'mode')) {
    throw new ArtifactContractError(
      'MOUNT_SETS_MODE',
      `mode must not be set in a mount (the artifact carries the mode); got ${show(item.mode)}`,
      {
        field: 'mode',
        value: item.mode,
        source,
        hint: 'remove "mode"; use "expected_mode": "shadow" as a guard',
      },
    );
  }
  const id = reqStr(own(item, idField), idField, source);
  const plugin = reqStr(own(item, 'plugin'), 'plugin', source);
  // Python's `a or b or c`: the first truthy alias, else the last one as is.
  const signalPath = reqStr(
    pyOr(own(item, 'signal_path'), own(item, 'latest_signal_path'), own(item, 'path')),
    'signal_path',
    source,
  );
  return { id, rest: { plugin, signalPath }, item };
}

function parseGuards(
  item: Record<string, unknown>,
  source: ArtifactErrorSource,
): { expectedMode: 'shadow' | null; expectedSchemaVersion: string | null } {
  const rawMode = own(item, 'expected_mode');
  const expectedMode =
    rawMode === null || rawMode === undefined ? null : normMode(rawMode, 'expected_mode', source);
  const expectedSchemaVersion = optStr(own(item, 'expected_schema_version'));
  return { expectedMode, expectedSchemaVersion };
}

function duplicate(
  idField: string,
  id: string,
  plugin: string,
  source: ArtifactErrorSource,
): ArtifactContractError {
  return new ArtifactContractError(
    'DUPLICATE_MOUNT',
    `mount for ${idField} ${show(id)} and plugin ${show(plugin)} is listed twice`,
    { field: idField, value: id, source },
  );
}

/**
 * Parses a strategy mount config (spec §6): a JSON string, an array of mounts, or an object holding
 * them under `strategy_plugins` (legacy `plugins`). Fail-closed: one bad item rejects the whole config.
 */
export function parseStrategyPluginMounts(
  raw: unknown,
  opts?: RegistryOptions,
): readonly StrategyPluginMount[] {
  const parsed = parseItemList(raw, 'strategy', opts);
  if (parsed === null) return Object.freeze([]);
  const seen = new Set<string>();
  const mounts: StrategyPluginMount[] = [];
  parsed.items.forEach((raw, index) => {
    const { id: strategy, rest, item } = parseCommon(raw, index, 'strategy', 'mount');
    const pairKey = JSON.stringify([strategy, rest.plugin]);
    if (seen.has(pairKey)) throw duplicate('strategy', strategy, rest.plugin, 'mount');
    seen.add(pairKey);
    const guards = parseGuards(item, 'mount');
    if (guards.expectedSchemaVersion !== null) {
      checkSchemaVersionSupported(
        parsed.registry,
        rest.plugin,
        guards.expectedSchemaVersion,
        'expected_schema_version',
        'mount',
      );
    }
    checkStrategyCompatibility(parsed.registry, strategy, rest.plugin, guards.expectedMode, 'mount');
    mounts.push(
      Object.freeze({
        strategy,
        plugin: rest.plugin,
        signalPath: rest.signalPath,
        enabled: asBool(own(item, 'enabled'), true),
        expectedMode: guards.expectedMode,
        expectedSchemaVersion: guards.expectedSchemaVersion,
      }),
    );
  });
  return Object.freeze(mounts);
}

/** Parses a notification-target config (spec §7): only the `notification_targets` key is read. */
export function parseNotificationTargets(
  raw: unknown,
  opts?: RegistryOptions,
): readonly NotificationTargetMount[] {
  const parsed = parseItemList(raw, 'notification_target', opts);
  if (parsed === null) return Object.freeze([]);
  const seen = new Set<string>();
  const targets: NotificationTargetMount[] = [];
  parsed.items.forEach((raw, index) => {
    const {
      id: notificationTarget,
      rest,
      item,
    } = parseCommon(raw, index, 'notification_target', 'notification_target');
    const pairKey = JSON.stringify([notificationTarget, rest.plugin]);
    if (seen.has(pairKey))
      throw duplicate('notification_target', notificationTarget, rest.plugin, 'notification_target');
    seen.add(pairKey);
    const guards = parseGuards(item, 'notification_target');
    if (guards.expectedSchemaVersion !== null) {
      checkSchemaVersionSupported(
        parsed.registry,
        rest.plugin,
        guards.expectedSchemaVersion,
        'expected_schema_version',
        'notification_target',
      );
    }
    checkNotificationTarget(opts, notificationTarget, rest.plugin, 'notification_target');
    targets.push(
      Object.freeze({
        notificationTarget,
        plugin: rest.plugin,
        signalPath: rest.signalPath,
        enabled: asBool(own(item, 'enabled'), true),
        expectedMode: guards.expectedMode,
        expectedSchemaVersion: guards.expectedSchemaVersion,
      }),
    );
  });
  return Object.freeze(targets);
}

/**
 * Reads `STRATEGY_PLUGIN_MOUNTS_JSON` (the same JSON QuantPlatformKit platforms use) and parses it.
 * An unset or empty variable yields no mounts.
 */
export function parseStrategyPluginMountsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  opts?: RegistryOptions,
): readonly StrategyPluginMount[] {
  return parseStrategyPluginMounts(env[STRATEGY_PLUGIN_MOUNTS_ENV], opts);
}
