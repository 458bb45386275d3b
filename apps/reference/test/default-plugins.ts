import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Layer, layerRank } from '@keel/contract';
import { appDir } from './server-fixture.js';

/** What the tests expect of one plugin of the app's default config, read from the plugin itself. */
export interface DefaultPlugin {
  readonly specifier: string;
  /** Position among the enabled entries of the config: the order the host loads and lists them. */
  readonly index: number;
  readonly id: string;
  readonly version: string;
  readonly layer: Layer;
  /** The plugin defines `describe`, so the server has a panel for it. */
  readonly hasPanel: boolean;
}

/**
 * The enabled plugins of `keel.config.json`, in the order the host runs them (the order of a step's
 * sensor readings): by layer, then in config order within a layer; `index` gives the config order. Read from the config file and each plugin's own module, so the
 * tests follow the config instead of hard-coding which plugins it loads.
 */
export async function defaultPlugins(): Promise<DefaultPlugin[]> {
  const raw = JSON.parse(await readFile(path.join(appDir, 'keel.config.json'), 'utf8')) as {
    plugins: Array<{ plugin: string; enabled?: boolean }>;
  };
  const plugins: DefaultPlugin[] = [];
  for (const entry of raw.plugins) {
    if (entry.enabled === false) continue;
    const mod = (await import(entry.plugin)) as { default: unknown };
    // A package exports a plugin object or a factory the host calls once per host.
    const plugin = (typeof mod.default === 'function' ? (mod.default as () => unknown)() : mod.default) as {
      id: string;
      version: string;
      layer: Layer;
      describe?: unknown;
    };
    plugins.push({
      specifier: entry.plugin,
      index: plugins.length,
      id: plugin.id,
      version: plugin.version,
      layer: plugin.layer,
      hasPanel: typeof plugin.describe === 'function',
    });
  }
  // Array.prototype.sort is stable: config order is kept within a layer.
  return plugins.sort((a, b) => layerRank(a.layer) - layerRank(b.layer));
}
