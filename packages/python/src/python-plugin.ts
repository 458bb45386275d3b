import type { KeelPlugin } from '@keel/contract';
import type { PluginEntry } from '@keel/host';
import { createScheduledPlugin } from './dialects/scheduled.js';
import { createSensorPlugin } from './dialects/sensor.js';
import { createServicePlugin } from './dialects/service.js';
import { PythonError } from './errors.js';
import { type InspectResult, inspectPlugin } from './inspect-plugin.js';
import { type PythonPluginOptions, type ResolvedPlugin, resolvePluginOptions } from './options.js';

/**
 * A Python plugin class as an ordinary host `PluginEntry`: `'plugins/x.py:Class'` or the options
 * object. The class is imported once here (in a short-lived interpreter) to learn its dialect and
 * manifest; each host that loads the entry gets its own long-lived process at `setup`. Anything
 * wrong (no interpreter, a syntax or import error, not a dialect, no pandas) becomes that entry's
 * load error with a hint, never a throw from this call.
 *
 * ```ts
 * await host.load([pythonPlugin('plugins/momentum_plugin.py:MomentumPlugin')]);
 * ```
 */
export function pythonPlugin(spec: string | PythonPluginOptions): PluginEntry {
  let resolved: ResolvedPlugin;
  try {
    resolved = resolvePluginOptions(spec);
  } catch (error) {
    const failure =
      error instanceof PythonError ? error : new PythonError('PYTHON_INVALID_OPTIONS', String(error));
    return { plugin: failingFactory(failure) };
  }
  const inspected = inspectPlugin(resolved);
  const enabled = resolved.options.enabled ?? (inspected.ok ? inspected.info.enabled : undefined);
  const entry: PluginEntry = {
    plugin: factoryFor(resolved, inspected),
    ...(enabled === undefined ? {} : { enabled }),
  };
  return entry;
}

/** The dialect's Keel plugin for an inspected class (a fresh closure, and so a fresh process, per call). */
export function createPythonPlugin(resolved: ResolvedPlugin, inspected: InspectResult): KeelPlugin {
  // The host's load error keeps this PythonError's code and hint.
  if (!inspected.ok) throw inspected.error;
  const info = inspected.info;
  switch (info.dialect) {
    case 'sensor':
      return createSensorPlugin(resolved, info);
    case 'scheduled':
      return createScheduledPlugin(resolved, info);
    case 'service':
      return createServicePlugin(resolved, info);
  }
}

function factoryFor(resolved: ResolvedPlugin, inspected: InspectResult): () => KeelPlugin {
  return () => createPythonPlugin(resolved, inspected);
}

function failingFactory(error: PythonError): () => KeelPlugin {
  return () => {
    throw error;
  };
}

/** What {@link checkPythonPlugin} reports: the dialect and names, or the load error with its phase and hint. */
export type PythonPluginCheck =
  | { ok: true; dialect: 'sensor' | 'scheduled' | 'service'; className: string; name: string }
  | { ok: false; phase: 'import' | 'manifest'; error: PythonError };

/**
 * Imports the class (as `pythonPlugin()` does) and says whether it will load, with the structured
 * error (`code`, `hint`) a config checker or an API can show; the host's load error carries the same
 * code, message and hint.
 */
export function checkPythonPlugin(spec: string | PythonPluginOptions): PythonPluginCheck {
  let resolved: ResolvedPlugin;
  try {
    resolved = resolvePluginOptions(spec);
  } catch (error) {
    return {
      ok: false,
      phase: 'import',
      error: error instanceof PythonError ? error : new PythonError('PYTHON_INVALID_OPTIONS', String(error)),
    };
  }
  const inspected = inspectPlugin(resolved);
  if (!inspected.ok) return { ok: false, phase: inspected.phase, error: inspected.error };
  const { dialect, className, name } = inspected.info;
  return { ok: true, dialect, className, name };
}
