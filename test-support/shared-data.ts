import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The design team's shared data folder (`../shared/data` beside the repo, or `$KEEL_SHARED_DIR/data`).
 * Tests and benchmarks read real market data and artifacts from it; published packages never do.
 */
export function sharedDataDir(): string {
  const base = process.env.KEEL_SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared');
  return path.join(base, 'data');
}

/** Absolute path of a file in the shared data folder, e.g. `sharedDataPath('SPY_5m.csv')`. */
export function sharedDataPath(...parts: string[]): string {
  return path.join(sharedDataDir(), ...parts);
}

export function hasSharedData(): boolean {
  return existsSync(sharedDataDir());
}

/**
 * `describe` for suites that need the shared data. In CI (`CI=true`) a missing folder fails the run;
 * on a contributor's machine without it the suite is skipped with a visible reason.
 */
export const describeWithSharedData: typeof describe = ((name: string, ...rest: unknown[]) => {
  if (hasSharedData() || process.env.CI === 'true') {
    return (describe as (...a: unknown[]) => unknown)(name, ...rest);
  }
  return (describe.skip as (...a: unknown[]) => unknown)(
    `${name} (skipped: no shared data at ${sharedDataDir()})`,
    ...rest,
  );
}) as typeof describe;
