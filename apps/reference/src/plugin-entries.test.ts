import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePackage, resolvePluginEntries } from './plugin-entries.js';

let dir: string;
async function pkg(root: string, name: string, manifest: Record<string, unknown>, file = 'index.js') {
  const pkgDir = path.join(root, 'node_modules', ...name.split('/'));
  await mkdir(path.join(pkgDir, path.dirname(file)), { recursive: true });
  await writeFile(path.join(pkgDir, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...manifest }));
  await writeFile(path.join(pkgDir, file), 'export default {};\n');
  return pkgDir;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-entries-'));
  await pkg(dir, 'plain-main', { main: 'lib/main.js' }, 'lib/main.js');
  await pkg(
    dir,
    '@scope/import-only',
    { type: 'module', exports: { '.': { import: './esm/index.js' } } },
    'esm/index.js',
  );
  await pkg(
    dir,
    'nested-conditions',
    {
      type: 'module',
      exports: { '.': { types: './x.d.ts', node: { import: './node.js' } } },
    },
    'node.js',
  );
  await mkdir(path.join(dir, 'configs', 'deep'), { recursive: true });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolvePackage', () => {
  it('finds packages in node_modules at or above the folder, including import-only exports', async () => {
    const from = path.join(dir, 'configs', 'deep');
    expect(resolvePackage('plain-main', from)).toBe(
      pathToFileURL(path.join(dir, 'node_modules', 'plain-main', 'lib', 'main.js')).href,
    );
    expect(resolvePackage('@scope/import-only', from)).toBe(
      pathToFileURL(path.join(dir, 'node_modules', '@scope', 'import-only', 'esm', 'index.js')).href,
    );
    expect(resolvePackage('nested-conditions', from)).toBe(
      pathToFileURL(path.join(dir, 'node_modules', 'nested-conditions', 'node.js')).href,
    );
    expect(resolvePackage('not-installed', from)).toBeUndefined();
  });
});

describe('resolvePluginEntries', () => {
  it('paths against the config folder, names from the config folder, then from the app', () => {
    const base = path.join(dir, 'configs');
    const appDir = path.join(dir, 'app');
    const resolved = resolvePluginEntries(
      [
        { plugin: './local.js', enabled: true },
        { plugin: 'plain-main', enabled: false, config: { a: 1 } },
        { plugin: 'missing-plugin', enabled: true },
      ],
      base,
      appDir,
    );
    expect(resolved[0]).toMatchObject({
      entry: { plugin: path.join(base, 'local.js') },
      resolvedFrom: 'path',
    });
    expect(resolved[1]).toMatchObject({
      resolvedFrom: 'config',
      entry: { enabled: false, config: { a: 1 } },
    });
    expect(resolved[2]).toMatchObject({
      resolvedFrom: undefined,
      entry: { plugin: 'missing-plugin' },
      notFound: {
        message: expect.stringContaining(base),
        hint: expect.stringContaining('npm install missing-plugin'),
      },
    });
  });

  it('falls back to the app’s own dependencies', () => {
    // The real app: its node_modules hold the example plugins, an empty folder holds nothing.
    const [entry] = resolvePluginEntries([{ plugin: '@keel/plugin-atr-burst', enabled: true }], tmpdir());
    expect(entry?.resolvedFrom).toBe('app');
    expect(String(entry?.entry.plugin)).toMatch(/^file:.*plugin-atr-burst/);
  });
});
