import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Bare (package) specifiers imported at run time by an entry file and the local modules it reaches. */
function runtimePackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    // `import type` / `export type` vanish at run time, so only value imports count.
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)[^'"]*?from\s+'([^']+)'/gm)) {
      const spec = m[1] as string;
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      else
        packages.add(
          spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string),
        );
    }
  };
  visit(path.join(here, entry));
  return packages;
}

describe('entry points', () => {
  it('@keel/redis/markers needs @keel/notify but not @keel/host', () => {
    const deps = runtimePackages('markers.ts');
    expect(deps.has('@keel/host')).toBe(false);
  });

  it('@keel/redis/bus and /cache need @keel/host but not @keel/notify', () => {
    expect(runtimePackages('bus.ts').has('@keel/notify')).toBe(false);
    expect(runtimePackages('cache.ts').has('@keel/notify')).toBe(false);
  });

  it('each entry exports its factory', async () => {
    expect(typeof (await import('./markers.js')).createRedisMarkerStore).toBe('function');
    expect(typeof (await import('./bus.js')).createRedisEventBus).toBe('function');
    expect(typeof (await import('./cache.js')).createRedisCacheStore).toBe('function');
  });
});
