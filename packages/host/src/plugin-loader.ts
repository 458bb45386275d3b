import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  isKeelError,
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
  /** Largest reading this plugin may return, serialized, in bytes (default: the host's `maxReadingBytes`). */
  readonly maxReadingBytes?: number;
}

export type LoadPhase = 'import' | 'manifest' | 'config' | 'setup';

/**
 * A function returning a plugin. Loading calls it once per host, so a plugin that keeps state in its
 * closure gets fresh state in every host instead of sharing one module-level instance.
 */
export type PluginFactory = () => KeelPlugin;

/** A load error's code: the host's own, or the `code` of a `KeelError` the plugin threw. */
export type LoadErrorCode = HostErrorCode | (string & {});

/** What a failed load step keeps of the thrown error: its message, and its `code`/`hint` if it is a `KeelError`. */
export interface ThrownDetail {
  readonly message: string;
  readonly code?: string;
  readonly hint?: string;
}

/**
 * The `code` and `hint` of a thrown `KeelError` (also from a duplicated copy of the contract), so
 * a load error shows what the plugin said the user can do instead of only its message.
 */
export function thrownDetail(thrown: unknown, message: string): ThrownDetail {
  try {
    if (!isKeelError(thrown)) return { message };
    const code = thrown.code;
    const hint = thrown.hint;
    return {
      message,
      ...(typeof code === 'string' && code !== '' ? { code } : {}),
      ...(typeof hint === 'string' && hint !== '' ? { hint } : {}),
    };
  } catch {
    // A hostile error whose getters throw keeps its message only.
    return { message };
  }
}

/** Calls a factory; a plain plugin object passes through unchanged. */
export function instantiatePlugin(
  raw: unknown,
): { ok: true; plugin: unknown } | ({ ok: false } & ThrownDetail) {
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
    return { ok: false, ...thrownDetail(error, `plugin factory threw: ${describeThrown(error)}`) };
  }
}

/** Why one entry did not load. The host and the other plugins carry on. */
export interface LoadError {
  /** The plugin id when known, else the specifier (or `entry[i]`). */
  readonly plugin: string;
  readonly phase: LoadPhase;
  readonly message: string;
  /**
   * The `code` of the `KeelError` the plugin threw (its factory, config schema or `setup`), else
   * the host's code for the phase (`HOST_SETUP_FAILED`, ...).
   */
  readonly code: LoadErrorCode;
  /** Position of the entry in the `load()` call. */
  readonly entry: number;
  /** What to do about it: the thrown `KeelError`'s `hint`, or the host's own when it knows. */
  readonly hint?: string;
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

/** The URL `importPlugin` imports for `specifier` (a bare name when only `import()` can resolve it). */
export function resolveSpecifier(specifier: string, resolveFrom: string): string {
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

/**
 * The manifest and config phases for one imported plugin; `taken` holds ids already in the host.
 * `fromModule` says whether it came from a package name or file path, which a worker plugin needs:
 * its thread imports the module itself, since functions cannot cross threads.
 */
export function checkPlugin(
  raw: unknown,
  entry: PluginEntry,
  index: number,
  source: string,
  taken: ReadonlySet<string>,
  fromModule = typeof entry.plugin === 'string',
): Checked {
  const label = labelOf(raw, source);
  let parsed: ReturnType<typeof parsePluginManifest>;
  try {
    parsed = parsePluginManifest(raw);
  } catch (error) {
    // A manifest getter (or a Proxy) threw: a load error, never a rejected load().
    return failThrown(label, 'manifest', 'HOST_INVALID_MANIFEST', error, index);
  }
  if (!parsed.ok) return failWith(label, 'manifest', 'HOST_INVALID_MANIFEST', parsed.error, index);
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
  const plugin = raw as KeelPlugin;
  if (manifest.isolation === 'worker') {
    const refusal = workerRefusal(plugin, fromModule);
    if (refusal !== undefined)
      return fail(
        manifest.id,
        'manifest',
        'HOST_UNSUPPORTED_ISOLATION',
        refusal.message,
        index,
        refusal.hint,
      );
  }
  let config: ReturnType<typeof parsePluginConfig>;
  try {
    config = parsePluginConfig(plugin, entry.config);
  } catch (error) {
    // zod rethrows what a refine/transform throws: a plugin's own KeelError keeps its code and hint.
    return failThrown(manifest.id, 'config', 'HOST_INVALID_CONFIG', error, index);
  }
  if (!config.ok) return failWith(manifest.id, 'config', 'HOST_INVALID_CONFIG', config.error, index);
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
  code: LoadErrorCode,
  message: string,
  entry: number,
  hint?: string,
): LoadError {
  return Object.freeze(
    hint === undefined
      ? { plugin, phase, message, code, entry }
      : { plugin, phase, message, code, entry, hint },
  );
}

/** A load error from a thrown value: its `KeelError` code and hint win over `fallback`. */
export function thrownLoadError(
  plugin: string,
  phase: LoadPhase,
  fallback: HostErrorCode,
  detail: ThrownDetail,
  entry: number,
): LoadError {
  return loadError(plugin, phase, detail.code ?? fallback, detail.message, entry, detail.hint);
}

function failThrown(
  plugin: string,
  phase: LoadPhase,
  fallback: HostErrorCode,
  thrown: unknown,
  entry: number,
): Checked {
  const detail = thrownDetail(thrown, describeThrown(thrown));
  return { ok: false, error: thrownLoadError(plugin, phase, fallback, detail, entry) };
}

/** A contract parse failure keeps the host's phase code and passes the contract's hint on. */
function failWith(
  plugin: string,
  phase: LoadPhase,
  code: HostErrorCode,
  error: { message: string; hint?: string | undefined },
  entry: number,
): Checked {
  return fail(plugin, phase, code, error.message, entry, error.hint);
}

function fail(
  plugin: string,
  phase: LoadPhase,
  code: HostErrorCode,
  message: string,
  entry: number,
  hint?: string,
): Checked {
  return { ok: false, error: loadError(plugin, phase, code, message, entry, hint) };
}

/** Why a plugin asking for `isolation: 'worker'` cannot have it, or undefined when it can. */
function workerRefusal(
  plugin: KeelPlugin,
  fromModule: boolean,
): { message: string; hint: string } | undefined {
  if (!fromModule) {
    return {
      message:
        'isolation "worker" needs a plugin loaded from a package name or file path: functions cannot cross threads, so the worker imports the module itself',
      hint: "load it as { plugin: './my-plugin.js' } or by package name, or drop isolation: 'worker' to run it in-process",
    };
  }
  if (plugin.schedule !== undefined && plugin.schedule.length > 0) {
    return {
      message: 'isolation "worker" does not support schedule jobs yet',
      hint: "run the jobs from an in-process companion plugin (the bus and RPC reach the worker), or drop isolation: 'worker'",
    };
  }
  if (plugin.describe !== undefined) {
    return {
      message: 'isolation "worker" does not support describe() panels yet',
      hint: "publish the figures with ctx.bus or serve them with ctx.rpc.register, or drop isolation: 'worker'",
    };
  }
  return undefined;
}

function labelOf(raw: unknown, source: string): string {
  try {
    const id = raw !== null && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
    return typeof id === 'string' && id !== '' ? id : source;
  } catch {
    return source;
  }
}
