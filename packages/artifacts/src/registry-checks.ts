// The three registry checks shared by mount parsing (§6–7), loading (§8.4–8.5) and validation (§9).

import { ArtifactContractError, type ArtifactErrorSource } from './errors.js';
import {
  allowedNotificationTargets,
  type PluginRegistry,
  type RegistryOptions,
} from './plugin-definitions.js';

const show = ArtifactContractError.show;

/** §6.2 step 9: a known plugin must list the strategy, then the mode (when one is given). */
export function checkStrategyCompatibility(
  registry: PluginRegistry,
  strategy: string,
  plugin: string,
  mode: string | null,
  source: ArtifactErrorSource,
): void {
  const definition = registry.get(plugin);
  if (definition === undefined) return;
  const strategies = definition.supportedStrategies;
  if (strategies !== null && !strategies.includes(strategy)) {
    throw new ArtifactContractError(
      'UNSUPPORTED_STRATEGY',
      `plugin ${show(plugin)} does not support strategy ${show(strategy)} (${source}); supported: ${show(strategies)}`,
      { field: 'strategy', value: strategy, source, supported: strategies },
    );
  }
  if (mode !== null && !definition.supportedModes.includes(mode)) {
    throw new ArtifactContractError(
      'UNSUPPORTED_MODE',
      `plugin ${show(plugin)} does not support mode ${show(mode)} (${source}); supported: ${show(definition.supportedModes)}`,
      { field: 'mode', value: mode, source, supported: definition.supportedModes },
    );
  }
}

/** §7: the plugin must be allowed to publish to the notification target. */
export function checkNotificationTarget(
  opts: RegistryOptions | undefined,
  notificationTarget: string,
  plugin: string,
  source: ArtifactErrorSource,
): void {
  const allowed = allowedNotificationTargets(plugin, opts);
  if (!allowed.includes(notificationTarget)) {
    throw new ArtifactContractError(
      'UNSUPPORTED_NOTIFICATION_TARGET',
      `plugin ${show(plugin)} may not publish to notification target ${show(notificationTarget)} (${source}); supported: ${show(allowed)}`,
      { field: 'notification_target', value: notificationTarget, source, supported: allowed },
    );
  }
}

/** A known plugin with a non-empty version list must list the (non-empty) version. */
export function checkSchemaVersionSupported(
  registry: PluginRegistry,
  plugin: string,
  schemaVersion: string,
  field: string,
  source: ArtifactErrorSource,
): void {
  if (schemaVersion === '') return;
  const definition = registry.get(plugin);
  if (definition === undefined) return;
  const versions = definition.supportedSchemaVersions;
  if (versions.length > 0 && !versions.includes(schemaVersion)) {
    throw new ArtifactContractError(
      'UNSUPPORTED_SCHEMA_VERSION',
      `plugin ${show(plugin)} does not support ${field} ${show(schemaVersion)} (${source}); supported: ${show(versions)}`,
      { field, value: schemaVersion, source, supported: versions },
    );
  }
}
