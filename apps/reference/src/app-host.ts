import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createNyseCalendar, type ExchangeCalendar } from '@keel/calendar';
import { createHost, createLogger, type Host, type LoadError, type LoadResult } from '@keel/host';
import { type LoadedConfig, statePath } from './config.js';
import { type ResolvedFrom, resolvePluginEntries } from './plugin-entries.js';

/** A load error as the app reports it: the entry as written in the config, and what to do. */
export interface AppLoadError {
  /** The `plugin` value of the config entry. */
  readonly plugin: string;
  /** Position in the config's `plugins` list. */
  readonly entry: number;
  readonly phase: LoadError['phase'];
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

/** A loaded plugin with the config entry it came from and where its package was found. */
export interface AppPlugin {
  readonly id: string;
  readonly version: string;
  readonly layer: string;
  readonly specifier: string;
  readonly resolvedFrom: ResolvedFrom | undefined;
}

export interface AppHost {
  readonly host: Host;
  readonly calendar: ExchangeCalendar;
  readonly loadResult: LoadResult;
  readonly plugins: readonly AppPlugin[];
  readonly loadErrors: readonly AppLoadError[];
}

/**
 * The host as the config describes it: NYSE calendar, the SQLite cache at `cache.path`, plugins
 * resolved from the config file's folder and then from the app's own dependencies. Load errors
 * are kept on the result, never thrown, so one broken plugin entry leaves the others running;
 * callers decide whether a run with load errors may go on.
 */
export async function createAppHost(loaded: LoadedConfig): Promise<AppHost> {
  const { config, baseDir } = loaded;
  const calendar = createNyseCalendar();
  const cachePath = statePath(loaded, config.cache.path);
  await mkdir(path.dirname(cachePath), { recursive: true });
  const host = createHost({
    calendar,
    cache: { path: cachePath },
    resolveFrom: baseDir,
    services: {
      // Load errors are reported by the app with the config entry they belong to; everything
      // else at warn and above is written as a short line to stderr.
      logger: createLogger({
        level: 'warn',
        format: 'pretty',
        sink: (line, record) => {
          if (record.msg !== 'plugin failed to load') process.stderr.write(`${line}\n`);
        },
      }),
    },
  });
  try {
    const resolved = resolvePluginEntries(config.plugins, baseDir);
    const loadResult = await host.load(resolved.map((r) => r.entry));
    const loadErrors = loadResult.errors.map((e): AppLoadError => {
      const r = resolved[e.entry];
      const notFound = e.phase === 'import' ? r?.notFound : undefined;
      const hint = notFound?.hint ?? e.hint;
      return {
        plugin: r?.specifier ?? e.plugin,
        entry: e.entry,
        phase: e.phase,
        code: notFound === undefined ? e.code : 'PLUGIN_NOT_FOUND',
        message: notFound?.message ?? e.message,
        ...(hint === undefined ? {} : { hint }),
      };
    });
    // In-memory entries (Python plugins) are reported as `entry[i]`, the rest by their path.
    const bySource = new Map(
      resolved.map((r, i) => [typeof r.entry.plugin === 'string' ? r.entry.plugin : `entry[${i}]`, r]),
    );
    const plugins = loadResult.loaded.map((p): AppPlugin => {
      const r = bySource.get(p.source);
      return {
        id: p.id,
        version: p.version,
        layer: p.layer,
        specifier: r?.specifier ?? p.source,
        resolvedFrom: r?.resolvedFrom,
      };
    });
    return { host, calendar, loadResult, plugins, loadErrors };
  } catch (error) {
    await host.dispose();
    throw error;
  }
}
