import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createNyseCalendar, type ExchangeCalendar } from '@keel/calendar';
import { createHost, createLogger, type Host, type LoadResult } from '@keel/host';
import type { LoadedConfig } from './config.js';

export interface AppHost {
  readonly host: Host;
  readonly calendar: ExchangeCalendar;
  readonly loadResult: LoadResult;
}

/**
 * The host as the config describes it: NYSE calendar, the SQLite cache at `cache.path`, plugins
 * resolved from the config file's folder. Load errors are kept on the result, never thrown, so one
 * broken plugin entry leaves the others running.
 */
export async function createAppHost(loaded: LoadedConfig): Promise<AppHost> {
  const { config, baseDir } = loaded;
  const calendar = createNyseCalendar();
  const cachePath = path.resolve(baseDir, config.cache.path);
  await mkdir(path.dirname(cachePath), { recursive: true });
  const host = createHost({
    calendar,
    cache: { path: cachePath },
    resolveFrom: baseDir,
    services: { logger: createLogger({ level: 'warn' }) },
  });
  try {
    const loadResult = await host.load(
      config.plugins.map((p) => ({
        plugin: p.plugin.startsWith('.') ? path.resolve(baseDir, p.plugin) : p.plugin,
        config: p.config,
        enabled: p.enabled,
      })),
    );
    return { host, calendar, loadResult };
  } catch (error) {
    await host.dispose();
    throw error;
  }
}
