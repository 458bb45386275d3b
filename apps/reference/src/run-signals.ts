import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import {
  buildAlertContextLabel,
  buildAlertMessages,
  buildNotificationLines,
  buildReportPayload,
  type DeprecationWarning,
  loadConfiguredSignals,
  parseStrategyPluginMounts,
  type ReportSummary,
  STRATEGY_PLUGIN_MOUNTS_ENV,
  type StrategySignal,
} from '@keel/artifacts';
import { createSqliteMarkerStore, publishAlerts, type PublishResult } from '@keel/notify';
import type { AppConfig, LoadedConfig } from './config.js';
import { channelNames, publishersFor } from './publishers.js';

export interface SignalsOutcome {
  readonly signals: number;
  readonly alerts: PublishResult | null;
}

const PATH_KEYS = ['latest_signal_path', 'path'] as const;

/** Local artifact paths in the config are relative to the config file, like every other path there. */
function resolveMountPaths(raw: unknown, baseDir: string): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const list = Array.isArray(raw) ? raw : ((raw as { strategy_plugins?: unknown }).strategy_plugins ?? []);
  if (!Array.isArray(list)) return raw;
  const mapped = list.map((mount: unknown) => {
    if (typeof mount !== 'object' || mount === null) return mount;
    const copy: Record<string, unknown> = { ...(mount as Record<string, unknown>) };
    for (const key of PATH_KEYS) {
      const value = copy[key];
      if (
        typeof value === 'string' &&
        value !== '' &&
        !/^[a-z][a-z0-9+.-]*:/i.test(value) &&
        !path.isAbsolute(value)
      ) {
        copy[key] = path.resolve(baseDir, value);
      }
    }
    return copy;
  });
  return Array.isArray(raw) ? mapped : { ...(raw as object), strategy_plugins: mapped };
}

type Env = Readonly<Record<string, string | undefined>>;
type Locale = AppConfig['notify']['locales'][number];

/** What the artifacts say, before any alert is sent: the report payload and the lines per locale. */
export interface SignalsView {
  readonly signals: readonly StrategySignal[];
  readonly report: { strategy_plugins: ReportSummary[] };
  readonly lines: Readonly<Partial<Record<Locale, string[]>>>;
}

export interface AlertsOutcome {
  readonly channels: readonly string[];
  readonly markersPath: string;
  readonly result: PublishResult;
}

/**
 * Loads the configured artifacts fail-closed and builds the report payload and the notification
 * lines of every configured locale. `null` when no artifacts are configured.
 */
export async function collectSignals(
  loaded: LoadedConfig,
  options: { env?: Env; onWarning?: (w: DeprecationWarning) => void } = {},
): Promise<SignalsView | null> {
  const { config, baseDir } = loaded;
  const envMounts = (options.env ?? process.env)[STRATEGY_PLUGIN_MOUNTS_ENV];
  const rawMounts =
    envMounts !== undefined && envMounts.trim() !== ''
      ? envMounts
      : resolveMountPaths(config.artifacts?.mounts, baseDir);
  if (rawMounts === undefined) return null;
  const mounts = parseStrategyPluginMounts(rawMounts);
  const signals = await loadConfiguredSignals(mounts, {
    ...(config.artifacts?.strategyProfile === undefined
      ? {}
      : { strategyProfile: config.artifacts.strategyProfile }),
    ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
  });
  const lines: Partial<Record<Locale, string[]>> = {};
  for (const locale of config.notify.locales) lines[locale] = buildNotificationLines(signals, { locale });
  return { signals, report: buildReportPayload(signals), lines };
}

/**
 * Publishes the escalating signals' alerts to the configured channels in the first locale, with
 * SQLite markers so an alert already sent (by the CLI or an earlier server start) is skipped.
 */
export async function publishSignalAlerts(
  loaded: LoadedConfig,
  signals: readonly StrategySignal[],
  options: { env?: Env } = {},
): Promise<AlertsOutcome> {
  const { config, baseDir } = loaded;
  const { channels, publishers } = publishersFor(config.notify.channels, options.env ?? process.env);
  const markersPath = path.resolve(baseDir, config.notify.markers.path);
  await mkdir(path.dirname(markersPath), { recursive: true });
  const markers = createSqliteMarkerStore({ path: markersPath });
  const contextLabel = buildAlertContextLabel(config.notify.context);
  const locale = config.notify.locales[0] ?? 'en-US';
  try {
    const result = await publishAlerts({
      channels,
      publishers,
      markers,
      context: config.notify.context,
      buildMessages: (namespace) => buildAlertMessages(signals, { locale, namespace, contextLabel }),
    });
    return { channels, markersPath, result };
  } finally {
    await Promise.all(publishers.map((p) => p.close?.()));
    await (markers as { close?: () => Promise<void> | void }).close?.();
  }
}

/** Sidecar artifacts: load fail-closed, print the report fields and lines, and publish de-duplicated alerts. */
export async function runSignals(loaded: LoadedConfig, out: (line: string) => void): Promise<SignalsOutcome> {
  const view = await collectSignals(loaded, {
    onWarning: (w) => out(`warning: ${w.plugin} is deprecated; use ${w.successor ?? 'its successor'}`),
  });
  if (view === null) {
    out('No strategy artifacts configured.');
    return { signals: 0, alerts: null };
  }
  out(`\nStrategy artifacts (${view.signals.length} loaded, shadow mode)`);
  for (const summary of view.report.strategy_plugins) {
    out(
      `  ${summary.plugin.padEnd(24)} route=${summary.canonical_route ?? '-'} action=${summary.suggested_action ?? '-'} as_of=${summary.as_of}`,
    );
  }
  for (const locale of loaded.config.notify.locales) {
    out(`\nNotification lines (${locale})`);
    for (const line of view.lines[locale] ?? []) out(`  ${line.replace(/\n/g, '\n  ')}`);
  }
  const markersPath = path.resolve(loaded.baseDir, loaded.config.notify.markers.path);
  out(
    `\nAlerts → ${channelNames(loaded.config.notify.channels).join(', ')} (markers: ${path.relative(process.cwd(), markersPath) || markersPath})`,
  );
  const { result } = await publishSignalAlerts(loaded, view.signals);
  for (const record of result.skipped) out(`  skipped ${record.alertKey}: ${record.reason ?? ''}`);
  for (const record of result.failed)
    out(`  failed  ${record.alertKey}: ${record.error ?? record.reason ?? ''}`);
  out(`  sent ${result.sent.length}, skipped ${result.skipped.length}, failed ${result.failed.length}`);
  return { signals: view.signals.length, alerts: result };
}
