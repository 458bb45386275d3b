import { asBool, isObject, pyStr, pyTrim } from './py-coerce.js';
import { buildReportSummary } from './report-payload.js';
import type { StrategySignal } from './strategy-signal.js';

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, so a plugin named `__proto__` becomes a key instead of replacing the prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Portfolio-snapshot metadata for deterministic strategies (spec §12): only signals whose controls set
 * `strategy_runtime_metadata_allowed` contribute; no contributor yields `{}`.
 */
export function buildStrategyMetadata(signals: readonly StrategySignal[]): Record<string, unknown> {
  const payloads: Record<string, unknown> = {};
  const summaries: Record<string, unknown> = {};
  const order: string[] = [];
  for (const signal of signals) {
    const controls = signal.executionControls;
    if (!isObject(controls) || !asBool(controls.strategy_runtime_metadata_allowed, false)) continue;
    const plugin = pyTrim(pyStr(signal.plugin));
    if (plugin === '') continue;
    if (!Object.hasOwn(payloads, plugin)) order.push(plugin);
    setOwn(payloads, plugin, { ...signal.payload });
    setOwn(summaries, plugin, buildReportSummary(signal));
  }
  if (order.length === 0) return {};
  const metadata: Record<string, unknown> = {};
  setOwn(metadata, 'strategy_plugins', payloads);
  setOwn(metadata, 'strategy_plugin_summaries', summaries);
  // Parity: plugin keys are written last, so a plugin named like an index overwrites that index.
  for (const plugin of order) setOwn(metadata, plugin, payloads[plugin]);
  return metadata;
}

/**
 * Returns `snapshot` itself when there is no metadata, else a new object whose `metadata` merges the
 * snapshot's own metadata with the plugin metadata. Never mutates `snapshot`.
 */
export function attachStrategyMetadata<T extends object>(
  snapshot: T,
  signals: readonly StrategySignal[],
): T | (T & { metadata: Record<string, unknown> }) {
  const metadata = buildStrategyMetadata(signals);
  if (Object.keys(metadata).length === 0) return snapshot;
  const current = (snapshot as { metadata?: unknown }).metadata;
  const merged: Record<string, unknown> = { ...(isObject(current) ? current : {}) };
  for (const key of Object.keys(metadata)) setOwn(merged, key, metadata[key]);
  return { ...snapshot, metadata: merged };
}
