import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import {
  buildAlertContextLabel,
  buildAlertMessages,
  buildNotificationLines,
  buildReportPayload,
  loadConfiguredSignals,
  parseStrategyPluginMounts,
  STRATEGY_PLUGIN_MOUNTS_ENV,
} from '@keel/artifacts';
import { createSqliteMarkerStore, publishAlerts, type PublishResult } from '@keel/notify';
import type { LoadedConfig } from './config.js';
import { publishersFor } from './publishers.js';

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

/** Sidecar artifacts: load fail-closed, print the report fields and lines, and publish de-duplicated alerts. */
export async function runSignals(loaded: LoadedConfig, out: (line: string) => void): Promise<SignalsOutcome> {
  const { config, baseDir } = loaded;
  const envMounts = process.env[STRATEGY_PLUGIN_MOUNTS_ENV];
  const rawMounts =
    envMounts !== undefined && envMounts.trim() !== ''
      ? envMounts
      : resolveMountPaths(config.artifacts?.mounts, baseDir);
  if (rawMounts === undefined) {
    out('No strategy artifacts configured.');
    return { signals: 0, alerts: null };
  }
  const mounts = parseStrategyPluginMounts(rawMounts);
  const signals = await loadConfiguredSignals(mounts, {
    ...(config.artifacts?.strategyProfile === undefined
      ? {}
      : { strategyProfile: config.artifacts.strategyProfile }),
    onWarning: (w) => out(`warning: ${w.plugin} is deprecated; use ${w.successor ?? 'its successor'}`),
  });

  out(`\nStrategy artifacts (${signals.length} loaded, shadow mode)`);
  for (const summary of buildReportPayload(signals).strategy_plugins) {
    out(
      `  ${summary.plugin.padEnd(24)} route=${summary.canonical_route ?? '-'} action=${summary.suggested_action ?? '-'} as_of=${summary.as_of}`,
    );
  }
  for (const locale of config.notify.locales) {
    out(`\nNotification lines (${locale})`);
    for (const line of buildNotificationLines(signals, { locale })) out(`  ${line.replace(/\n/g, '\n  ')}`);
  }

  const { channels, publishers } = publishersFor(config.notify.channels);
  const markersPath = path.resolve(baseDir, config.notify.markers.path);
  await mkdir(path.dirname(markersPath), { recursive: true });
  const markers = createSqliteMarkerStore({ path: markersPath });
  const contextLabel = buildAlertContextLabel(config.notify.context);
  const locale = config.notify.locales[0] ?? 'en-US';
  try {
    out(
      `\nAlerts → ${channels.join(', ')} (markers: ${path.relative(process.cwd(), markersPath) || markersPath})`,
    );
    const result = await publishAlerts({
      channels,
      publishers,
      markers,
      context: config.notify.context,
      buildMessages: (namespace) => buildAlertMessages(signals, { locale, namespace, contextLabel }),
    });
    for (const record of result.skipped) out(`  skipped ${record.alertKey}: ${record.reason ?? ''}`);
    for (const record of result.failed)
      out(`  failed  ${record.alertKey}: ${record.error ?? record.reason ?? ''}`);
    out(`  sent ${result.sent.length}, skipped ${result.skipped.length}, failed ${result.failed.length}`);
    return { signals: signals.length, alerts: result };
  } finally {
    await Promise.all(publishers.map((p) => p.close?.()));
    await (markers as { close?: () => Promise<void> | void }).close?.();
  }
}
