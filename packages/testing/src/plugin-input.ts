import type { KeelPlugin } from '@keel/contract';
import type { PluginFactory } from '@keel/host';

/** What the harness accepts: a plugin object, or a factory the host calls once per host. */
export type PluginInput = KeelPlugin | PluginFactory;

export type Instantiated = { ok: true; plugin: unknown } | { ok: false; message: string };

/**
 * Calls a factory the way the host does. The harness needs the instance itself (for the manifest
 * and config checks) without loading it, and must not let a throwing factory escape as a test crash.
 */
export function instantiate(input: PluginInput): Instantiated {
  if (typeof input !== 'function') return { ok: true, plugin: input };
  try {
    return { ok: true, plugin: (input as () => unknown)() };
  } catch (error) {
    return {
      ok: false,
      message: `plugin factory threw: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** The plugin id, when the input (or the instance a factory returns) declares one. */
export function pluginIdOf(plugin: unknown): string | undefined {
  const id = (plugin as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}
