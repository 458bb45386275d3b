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
import { publishAlerts, type PublishResult } from '@keel/notify';
import { createSqliteMarkerStore } from '@keel/notify/sqlite';
import { confineSignalPaths } from './artifact-roots.js';
import { type AppConfig, type LoadedConfig, statePath } from './config.js';
import { channelNames, type PublisherOptions, publishersFor } from './publishers.js';

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
  const roots = (config.artifacts?.roots ?? ['.']).map((root) => path.resolve(baseDir, root));
  await confineSignalPaths(mounts, roots);
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
  options: { env?: Env } & PublisherOptions = {},
): Promise<AlertsOutcome> {
  const { config } = loaded;
  const { channels, publishers } = publishersFor(
    config.notify.channels,
    options.env ?? process.env,
    options.consoleStream === undefined ? {} : { consoleStream: options.consoleStream },
  );
  const markersPath = statePath(loaded, config.notify.markers.path);
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

/** Everything `keel signals` did, as data: `--json` prints it, the text view renders it. */
export interface SignalsReport {
  readonly configured: boolean;
  readonly warnings: readonly string[];
  readonly report: { strategy_plugins: ReportSummary[] } | null;
  readonly lines: SignalsView['lines'];
  readonly alerts: {
    readonly channels: readonly string[];
    readonly markersPath: string;
    readonly sent: number;
    readonly skipped: ReadonlyArray<{ readonly alertKey: string; readonly reason: string | null }>;
    readonly failed: ReadonlyArray<{ readonly alertKey: string; readonly error: string | null }>;
  } | null;
  /** The full publish result, for callers in code. */
  readonly result: PublishResult | null;
  readonly signals: number;
}

/** Sidecar artifacts: load fail-closed, build the report fields and lines, and publish de-duplicated alerts. */
export async function runSignals(
  loaded: LoadedConfig,
  options: PublisherOptions = {},
): Promise<SignalsReport> {
  const warnings: string[] = [];
  const view = await collectSignals(loaded, {
    onWarning: (w) => warnings.push(`${w.plugin} is deprecated; use ${w.successor ?? 'its successor'}`),
  });
  if (view === null) {
    return { configured: false, warnings, report: null, lines: {}, alerts: null, result: null, signals: 0 };
  }
  const { channels, markersPath, result } = await publishSignalAlerts(loaded, view.signals, options);
  return {
    configured: true,
    warnings,
    report: view.report,
    lines: view.lines,
    alerts: {
      channels,
      markersPath,
      sent: result.sent.length,
      skipped: result.skipped.map((r) => ({ alertKey: r.alertKey, reason: r.reason ?? null })),
      failed: result.failed.map((r) => ({ alertKey: r.alertKey, error: r.error ?? r.reason ?? null })),
    },
    result,
    signals: view.signals.length,
  };
}

/** The text view of a signals run. */
export function printSignalsReport(
  loaded: LoadedConfig,
  report: SignalsReport,
  out: (line: string) => void,
): void {
  for (const w of report.warnings) out(`warning: ${w}`);
  if (!report.configured || report.report === null) {
    out('No strategy artifacts configured.');
    return;
  }
  out(`\nStrategy artifacts (${report.signals} loaded, shadow mode)`);
  for (const summary of report.report.strategy_plugins) {
    out(
      `  ${summary.plugin.padEnd(24)} route=${summary.canonical_route ?? '-'} action=${summary.suggested_action ?? '-'} as_of=${summary.as_of}`,
    );
  }
  for (const locale of loaded.config.notify.locales) {
    out(`\nNotification lines (${locale})`);
    for (const line of report.lines[locale] ?? []) out(`  ${line.replace(/\n/g, '\n  ')}`);
  }
  const alerts = report.alerts;
  if (alerts === null) return;
  out(
    `\nAlerts → ${channelNames(loaded.config.notify.channels).join(', ')} (markers: ${path.relative(process.cwd(), alerts.markersPath) || alerts.markersPath})`,
  );
  for (const record of alerts.skipped) out(`  skipped ${record.alertKey}: ${record.reason ?? ''}`);
  for (const record of alerts.failed) out(`  failed  ${record.alertKey}: ${record.error ?? ''}`);
  out(`  sent ${alerts.sent}, skipped ${alerts.skipped.length}, failed ${alerts.failed.length}`);
}
