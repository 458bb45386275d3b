import type { StrategySignal } from './strategy-signal.js';

/** One report entry (wire format, snake_case, fixed key order; spec §11). */
export interface ReportSummary {
  strategy: string;
  target_type: 'strategy' | 'notification_target';
  notification_target: string;
  plugin: string;
  mode: string;
  configured_mode: string;
  effective_mode: string;
  schema_version: string;
  deprecated_plugin: boolean;
  successor_plugin: string | null;
  supported_schema_versions: string[];
  as_of: string;
  canonical_route: string | null;
  suggested_action: string | null;
  would_trade_if_enabled: boolean;
  execution_controls: Record<string, unknown>;
  source_uri: string | null;
  local_path: string | null;
}

/** The report summary of one signal; the raw payload is never included. */
export function buildReportSummary(signal: StrategySignal): ReportSummary {
  return {
    strategy: signal.strategy,
    target_type: signal.targetType,
    notification_target: signal.notificationTarget,
    plugin: signal.plugin,
    mode: signal.mode,
    configured_mode: signal.configuredMode,
    effective_mode: signal.effectiveMode,
    schema_version: signal.schemaVersion,
    deprecated_plugin: signal.deprecatedPlugin,
    successor_plugin: signal.successorPlugin,
    supported_schema_versions: [...signal.supportedSchemaVersions],
    as_of: signal.asOf,
    canonical_route: signal.canonicalRoute,
    suggested_action: signal.suggestedAction,
    would_trade_if_enabled: signal.wouldTradeIfEnabled,
    execution_controls: { ...signal.executionControls },
    source_uri: signal.sourceUri,
    local_path: signal.localPath,
  };
}

/** `{ strategy_plugins: [summary, …] }`, one summary per signal in input order. */
export function buildReportPayload(signals: readonly StrategySignal[]): {
  strategy_plugins: ReportSummary[];
} {
  return { strategy_plugins: signals.map(buildReportSummary) };
}
