import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PluginEntry } from '@keel/host';
import { isPythonConfigEntry, PythonConfigEntrySchema, pythonPluginFromConfig } from '@keel/python';
import { z } from 'zod';

/**
 * One `plugins[]` entry of the config. All entry parsing and resolution lives in this module, so
 * a new entry kind (a Python class, say) is added here and nowhere else.
 */
export const PackagePluginEntrySchema = z
  .strictObject({
    plugin: z
      .string()
      .min(1)
      .describe(
        'A package name (resolved from the config file’s folder, then from the keel app) or a ./path',
      ),
    config: z.unknown().optional().describe('The plugin’s options; validated by the plugin’s own schema'),
    enabled: z.boolean().default(true).describe('false: loaded but disabled until enabled at run time'),
  })
  .describe('One plugin to load');

/**
 * `{ "plugin": ... }` loads a JavaScript plugin package or file; `{ "python": "file.py:Class" }` runs
 * an existing Python plugin unchanged in its own process (see @keel/python).
 */
export const PluginEntrySchema = z.union([
  PackagePluginEntrySchema,
  PythonConfigEntrySchema.describe('A Python plugin: "file.py:Class" or "package.module:Class"'),
]);
export type PluginEntryConfig = z.output<typeof PluginEntrySchema>;

/** The entry schema a raw config entry is checked against (for messages and key hints). */
export function entrySchemaFor(
  raw: unknown,
): typeof PackagePluginEntrySchema | typeof PythonConfigEntrySchema {
  return isPythonConfigEntry(raw) ? PythonConfigEntrySchema : PackagePluginEntrySchema;
}

/** Where a package-name entry was found. */
export type ResolvedFrom = 'path' | 'config' | 'app';

export interface ResolvedPluginEntry {
  /** What the host loads: an absolute path or a file URL. */
  readonly entry: PluginEntry;
  /** The entry as written in the config. */
  readonly specifier: string;
  readonly resolvedFrom: ResolvedFrom | undefined;
  /** Set when a package name was found nowhere: the message and hint the CLI shows for it. */
  readonly notFound?: { readonly message: string; readonly hint: string };
}

// The app's own dependencies (the example plugins): resolution falls back to them, so a config in
// any folder can name the plugins that ship with keel without installing them there.
const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Turns config entries into host entries. Paths resolve against the config's folder; package
 * names resolve from the config's folder first (its `node_modules`, walking up), then from the
 * keel app's own dependencies. A name found nowhere is handed to the host as written, so the load
 * error is recorded where every other load error is, and `notFound` says what to do.
 */
export function resolvePluginEntries(
  entries: readonly PluginEntryConfig[],
  baseDir: string,
  appDir: string = APP_DIR,
): ResolvedPluginEntry[] {
  return entries.map((e) => {
    if ('python' in e) {
      return { entry: pythonPluginFromConfig(e, baseDir), specifier: e.python, resolvedFrom: 'path' };
    }
    const base = { config: e.config, enabled: e.enabled };
    if (isPathSpecifier(e.plugin)) {
      const target = e.plugin.startsWith('file:') ? e.plugin : path.resolve(baseDir, e.plugin);
      return { entry: { plugin: target, ...base }, specifier: e.plugin, resolvedFrom: 'path' };
    }
    // The built-in config sits in the app itself: its packages are the app's own.
    const fromConfig =
      path.resolve(baseDir) === path.resolve(appDir) ? undefined : resolvePackage(e.plugin, baseDir);
    if (fromConfig !== undefined)
      return { entry: { plugin: fromConfig, ...base }, specifier: e.plugin, resolvedFrom: 'config' };
    const fromApp = resolvePackage(e.plugin, appDir);
    if (fromApp !== undefined)
      return { entry: { plugin: fromApp, ...base }, specifier: e.plugin, resolvedFrom: 'app' };
    return {
      entry: { plugin: e.plugin, ...base },
      specifier: e.plugin,
      resolvedFrom: undefined,
      notFound: {
        message: `cannot find package "${e.plugin}" from the config's folder (${baseDir}) or the keel app's dependencies`,
        hint: `install it next to the config (cd ${baseDir} && npm install ${e.plugin}), or point "plugin" at a ./file`,
      },
    };
  });
}

function isPathSpecifier(s: string): boolean {
  return s.startsWith('.') || s.startsWith('file:') || path.isAbsolute(s) || /^[A-Za-z]:[\\/]/.test(s);
}

/**
 * The file URL a package name resolves to from `fromDir`, or `undefined`. Only `node_modules`
 * folders at or above `fromDir` count: `NODE_PATH` (which `pnpm exec` sets to its whole store)
 * would otherwise make every workspace package look installed next to any config.
 */
export function resolvePackage(name: string, fromDir: string): string | undefined {
  const pkgDir = findPackageDir(name, fromDir);
  if (pkgDir === undefined) return undefined;
  const require = createRequire(path.join(fromDir, 'noop.js'));
  try {
    return pathToFileURL(require.resolve(name)).href;
  } catch (error) {
    // ESM-only packages often export only an `import` condition, which require.resolve cannot
    // see (Node 20 has no parent-URL import.meta.resolve without a flag): read their exports.
    if ((error as { code?: string }).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') return undefined;
    return resolveImportTarget(pkgDir);
  }
}

function findPackageDir(name: string, fromDir: string): string | undefined {
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, 'node_modules', ...name.split('/'));
    if (existsSync(path.join(pkgDir, 'package.json'))) return pkgDir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

const CONDITIONS = ['import', 'node', 'default'];

function resolveImportTarget(pkgDir: string): string | undefined {
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as {
    exports?: unknown;
    main?: string;
  };
  const exp = pkg.exports;
  const root =
    typeof exp === 'object' && exp !== null && !Array.isArray(exp) && '.' in exp
      ? (exp as Record<string, unknown>)['.']
      : exp;
  const target = pickTarget(root) ?? pkg.main ?? 'index.js';
  return pathToFileURL(path.join(pkgDir, target)).href;
}

function pickTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = pickTarget(v);
      if (t !== undefined) return t;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [condition, target] of Object.entries(value)) {
    if (!CONDITIONS.includes(condition)) continue;
    const t = pickTarget(target);
    if (t !== undefined) return t;
  }
  return undefined;
}
