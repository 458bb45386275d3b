import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StrategyPluginMount } from '@keel/artifacts';
import { KeelError } from '@keel/contract';

/** A local `signal_path` that resolves outside every configured artifact root. */
export class ArtifactPathError extends KeelError<
  'ARTIFACT_PATH_OUTSIDE_ROOTS' | 'ARTIFACT_PATH_UNREADABLE'
> {}

/** `gs://…` and other URL schemes are remote; `file:` URLs and plain paths are local. */
function localPath(reference: string): string | undefined {
  if (reference.startsWith('file:')) {
    try {
      return fileURLToPath(reference);
    } catch {
      return undefined;
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(reference)) return undefined;
  return reference;
}

/**
 * Checks that every enabled mount's local `signal_path` resolves, symlinks included, inside one of
 * `roots`. Messages name the mount by index and plugin, never the path: the path is configuration
 * text and may come from the environment. The loader reads the file after this check; a symlink
 * swapped in between is outside what a config-level check can stop.
 */
export async function confineSignalPaths(
  mounts: readonly StrategyPluginMount[],
  roots: readonly string[],
): Promise<void> {
  const realRoots = await Promise.all(
    roots.map(async (root) => {
      try {
        return await realpath(root);
      } catch {
        return undefined;
      }
    }),
  );
  for (const [index, mount] of mounts.entries()) {
    if (!mount.enabled) continue;
    const local = localPath(mount.signalPath);
    if (local === undefined) continue;
    const field = `strategy_plugins[${index}].signal_path`;
    let real: string;
    try {
      real = await realpath(path.resolve(local));
    } catch (error) {
      throw new ArtifactPathError(
        'ARTIFACT_PATH_UNREADABLE',
        `${field} (plugin ${JSON.stringify(mount.plugin)}): the file cannot be resolved`,
        { field, hint: 'check that the artifact file exists', cause: error },
      );
    }
    const inside = realRoots.some(
      (root) =>
        root !== undefined &&
        (real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep)),
    );
    if (!inside) {
      throw new ArtifactPathError(
        'ARTIFACT_PATH_OUTSIDE_ROOTS',
        `${field} (plugin ${JSON.stringify(mount.plugin)}): resolves outside the configured artifact roots`,
        {
          field,
          hint: 'move the artifact under a folder listed in artifacts.roots, or add its folder there',
        },
      );
    }
  }
}
