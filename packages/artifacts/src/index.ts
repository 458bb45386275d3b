export type { AlertContextParts } from './alert-context-label.js';
export { buildAlertContextLabel } from './alert-context-label.js';
export type { AlertIdentity, AlertKeyOptions } from './alert-key.js';
export {
  buildAlertKey,
  canonicalAlertIdentity,
  DEFAULT_ALERT_NAMESPACE,
  sanitizeKeySegment,
} from './alert-key.js';
export type { AlertMessage, AlertMessageOptions, AlertMetadata } from './alert-messages.js';
export { buildAlertMessages } from './alert-messages.js';
export type { GcsClientLike, SourceOptions } from './artifact-source.js';
export { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS } from './artifact-source.js';
export type { ArtifactContractErrorOptions, ArtifactErrorCode, ArtifactErrorSource } from './errors.js';
export { ARTIFACT_ERROR_CODES, ArtifactContractError, isArtifactContractError } from './errors.js';
export { shouldAlert } from './escalation.js';
export type { CatalogLocale, Translator } from './i18n/catalog.js';
export { catalogs } from './i18n/catalog.js';
export { extractLocalizedMessage } from './localized-message.js';
export type { NotificationTargetMount, StrategyPluginMount } from './mount-config.js';
export {
  parseNotificationTargets,
  parseStrategyPluginMounts,
  parseStrategyPluginMountsFromEnv,
  STRATEGY_PLUGIN_MOUNTS_ENV,
} from './mount-config.js';
export type { NotificationLineOptions } from './notification-lines.js';
export { buildNotificationLines } from './notification-lines.js';
export type {
  PluginDefinition,
  PluginDefinitionInput,
  PluginRegistryInput,
  RegistryOptions,
} from './plugin-definitions.js';
export {
  defaultNotificationTargets,
  defaultPluginDefinitions,
  definePluginDefinition,
} from './plugin-definitions.js';
export type { ReportSummary } from './report-payload.js';
export { buildReportPayload } from './report-payload.js';
export type { DeprecationWarning, LoadOptions } from './signal-loader.js';
export { loadConfiguredSignals, loadNotificationTargetSignals, loadSignal } from './signal-loader.js';
export type { SignalExpectations, ValidateOptions } from './signal-validation.js';
export { validateSignalPayload } from './signal-validation.js';
export type { SignalWatcher, WatchedSignal, WatchOptions, WatchSnapshot } from './signal-watch.js';
export { watchSignals } from './signal-watch.js';
export { attachStrategyMetadata, buildStrategyMetadata } from './strategy-metadata.js';
export type { SignalLike, StrategySignal } from './strategy-signal.js';
