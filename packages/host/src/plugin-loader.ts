import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type KeelPlugin,
  type Manifest,
  parsePluginConfig,
  parsePluginManifest,
  type Schedule,
} from '@keel/contract';
import { describeThrown, type HostErrorCode } from './errors.js';

/** One plugin to load: an in-memory plugin, a package name or a file path, with its app config. */
export interface PluginEntry {
  /** An in-memory plugin, a factory returning one, a package name or a file path. */
  readonly plugin: KeelPlugin | PluginFactory | string;
  readonly config?: unknown;
  /** Start disabled (DISABLED readings until `host.enable(id)`). Default true. */
  readonly enabled?: boolean;
}

export type LoadPhase = 'import' | 'manifest' | 'config' | 'setup';

/**
 * A function returning a plugin. Loading calls it once per host, so a plugin that keeps state in its
 * closure gets fresh state in every host instead of sharing one module-level instance.
 */
export type PluginFactory = () => KeelPlugin;

/** Calls a factory; a plain plugin object passes through unchanged. */
export function instantiatePlugin(
  raw: unknown,
): { ok: true; plugin: unknown } | { ok: false; message: string } {
  if (typeof raw !== 'function') return { ok: true, plugin: raw };
  try {
    const plugin = (raw as () => unknown)();
    if (
      plugin !== null &&
      typeof plugin === 'object' &&
      typeof (plugin as { then?: unknown }).then === 'function'
    ) {
      return { ok: false, message: 'plugin factory returned a promise; factories must be synchronous' };
    }
    return { ok: true, plugin };
  } catch (error) {
    return { ok: false, message: `plugin factory threw: ${describeThrown(error)}` };
  }
}

/** Why one entry did not load. The host and the other plugins carry on. */
export interface LoadError {
  /** The plugin id when known, else the specifier (or `entry[i]`). */
  readonly plugin: string;
  readonly phase: LoadPhase;
  readonly message: string;
  readonly code: HostErrorCode;
  /** Position of the entry in the `load()` call. */
  readonly entry: number;
}

/** A plugin whose manifest and config are valid, ready for `setup`. */
export interface LoadCandidate {
  readonly entry: number;
  readonly plugin: KeelPlugin;
  readonly manifest: Manifest;
  readonly schedules: readonly Schedule[];
  readonly config: unknown;
  readonly enabled: boolean;
  /** Where it came from, for logs. */
  readonly source: string;
}

export type Checked = { ok: true; candidate: LoadCandidate } | { ok: false; error: LoadError };

/** Normalises the shorthand forms (`'pkg'`, a bare plugin) into entries. */
export function toEntry(entry: PluginEntry | KeelPlugin | PluginFactory | string): PluginEntry {
  if (typeof entry === 'string' || typeof entry === 'function') return { plugin: entry };
  if (entry !== null && typeof entry === 'object' && 'plugin' in entry) return entry as PluginEntry;
  return { plugin: entry as KeelPlugin };
}

export function isPathSpecifier(specifier: string): boolean {
  return (
    specifier.startsWith('.') ||
    specifier.startsWith('/') ||
    specifier.startsWith('file:') ||
    path.isAbsolute(specifier) ||
    /^[A-Za-z]:[\\/]/.test(specifier)
  );
}

/**
 * `import()`s a plugin module and picks its plugin: the default export, else a named `plugin`
 * export (either may be a {@link PluginFactory}). Paths resolve against `resolveFrom`; package names are resolved from there too (so an
 * app's own `node_modules` wins), falling back to a bare `import()`.
 */
export async function importPlugin(
  specifier: string,
  resolveFrom: string,
): Promise<{ ok: true; plugin: unknown } | { ok: false; code: HostErrorCode; message: string }> {
  let url: string;
  try {
    url = resolveSpecifier(specifier, resolveFrom);
  } catch (error) {
    return {
      ok: false,
      code: 'HOST_IMPORT_FAILED',
      message: `cannot resolve ${JSON.stringify(specifier)}: ${describeThrown(error)}`,
    };
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    return {
      ok: false,
      code: 'HOST_IMPORT_FAILED',
      message: `cannot import ${JSON.stringify(specifier)}: ${describeThrown(error)}`,
    };
  }
  const picked = mod.default ?? mod.plugin;
  if (picked === undefined) {
    return {
      ok: false,
      code: 'HOST_NO_PLUGIN_EXPORT',
      message: `module ${JSON.stringify(specifier)} has neither a default export nor a named "plugin" export`,
    };
  }
  return { ok: true, plugin: picked };
}

function resolveSpecifier(specifier: string, resolveFrom: string): string {
  if (specifier.startsWith('file:')) return specifier;
  if (isPathSpecifier(specifier)) return pathToFileURL(path.resolve(resolveFrom, specifier)).href;
  try {
    const require = createRequire(path.join(resolveFrom, 'noop.js'));
    return pathToFileURL(require.resolve(specifier)).href;
  } catch {
    // Packages exporting only an `import` condition are invisible to require.resolve.
    return specifier;
  }
}

/** The manifest and config phases for one imported plugin; `taken` holds ids already in the host. */
export function checkPlugin(
  raw: unknown,
  entry: PluginEntry,
  index: number,
  source: string,
  taken: ReadonlySet<string>,
): Checked {
  const label = labelOf(raw, source);
  const parsed = parsePluginManifest(raw);
  if (!parsed.ok) return fail(label, 'manifest', 'HOST_INVALID_MANIFEST', parsed.error.message, index);
  const { manifest } = parsed;
  if (taken.has(manifest.id)) {
    return fail(
      manifest.id,
      'manifest',
      'HOST_DUPLICATE_ID',
      `duplicate plugin id ${JSON.stringify(manifest.id)}`,
      index,
    );
  }
  if (manifest.isolation === 'worker') {
    return fail(
      manifest.id,
      'manifest',
      'HOST_UNSUPPORTED_ISOLATION',
      `isolation "worker" is not supported by this host yet; refusing to run the plugin in-process`,
      index,
    );
  }
  const plugin = raw as KeelPlugin;
  const config = parsePluginConfig(plugin, entry.config);
  if (!config.ok) return fail(manifest.id, 'config', 'HOST_INVALID_CONFIG', config.error.message, index);
  return {
    ok: true,
    candidate: {
      entry: index,
      plugin,
      manifest,
      schedules: parsed.schedules,
      config: config.config,
      enabled: entry.enabled ?? true,
      source,
    },
  };
}

export function loadError(
  plugin: string,
  phase: LoadPhase,
  code: HostErrorCode,
  message: string,
  entry: number,
): LoadError {
  return Object.freeze({ plugin, phase, message, code, entry });
}

function fail(
  plugin: string,
  phase: LoadPhase,
  code: HostErrorCode,
  message: string,
  entry: number,
): Checked {
  return { ok: false, error: loadError(plugin, phase, code, message, entry) };
}

function labelOf(raw: unknown, source: string): string {
  try {
    const id = raw !== null && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
    return typeof id === 'string' && id !== '' ? id : source;
  } catch {
    return source;
  }
}
