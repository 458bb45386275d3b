import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkPluginContract } from '@keel/testing';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { scaffoldPlugin } from './scaffold.js';
import { PLUGIN_KINDS } from './templates/template-context.js';
import { TEMPLATE_VERSIONS } from './versions.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
// Inside this package's node_modules: the generated imports (@keel/contract, @keel/testing,
// @keel/host, zod, vitest) resolve to the workspace's packages, as they would after `npm install`.
const cacheDir = path.join(packageDir, 'node_modules', '.cache');
await mkdir(cacheDir, { recursive: true });
const root = await mkdtemp(path.join(cacheDir, 'scaffold-test-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const projects = await Promise.all(
  PLUGIN_KINDS.map((kind) =>
    scaffoldPlugin({ name: `@acme/keel-plugin-demo-${kind}`, kind, dir: path.join(root, kind) }),
  ),
);

const read = (dir: string, file: string) => readFile(path.join(dir, file), 'utf8');

describe.each(projects)('scaffolded $kind plugin', (project) => {
  it('writes a complete package', async () => {
    expect(project).toMatchObject({
      packageName: `@acme/keel-plugin-demo-${project.kind}`,
      id: `demo-${project.kind}`,
    });
    expect([...project.files].sort()).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src/index.test.ts',
      'src/index.ts',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
    const pkg = JSON.parse(await read(project.dir, 'package.json'));
    expect(pkg).toMatchObject({
      name: project.packageName,
      type: 'module',
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      peerDependencies: { '@keel/contract': '^1.0.0', zod: TEMPLATE_VERSIONS.zod },
      scripts: { build: expect.any(String), test: 'vitest run', typecheck: expect.any(String) },
    });
    expect(Object.keys(pkg.devDependencies).sort()).toEqual([
      '@keel/contract',
      '@keel/host',
      '@keel/testing',
      'typescript',
      'vitest',
      'zod',
    ]);
    for (const range of Object.values(pkg.devDependencies)) expect(range).toMatch(/^\^\d+\.\d+\.\d+$/);
    const tsconfig = JSON.parse(await read(project.dir, 'tsconfig.json'));
    expect(tsconfig.compilerOptions).toMatchObject({
      strict: true,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
    });
    expect(await read(project.dir, '.gitignore')).toContain('node_modules/');
    expect(await read(project.dir, 'README.md')).toMatch(new RegExp(`^# ${project.packageName}\\n`));
    const source = await read(project.dir, 'src/index.ts');
    expect(source).toContain(`id: 'demo-${project.kind}'`);
    expect(source).toContain('export default');
  });

  it('generates a plugin that passes checkPluginContract', async () => {
    const mod = (await import(pathToFileURL(path.join(project.dir, 'src/index.ts')).href)) as {
      default: never;
    };
    const report = await checkPluginContract(mod.default);
    expect(report.problems).toEqual([]);
    expect(report.plugin).toBe(project.id);
  });

  // The generated tests (expectPluginContract plus a behaviour test) register into this suite and run here.
  describe('its own generated tests', async () => {
    await import(pathToFileURL(path.join(project.dir, 'src/index.test.ts')).href);
  });
});

describe('generated projects', () => {
  it('type-check with their own tsconfig.json and the repository TypeScript; a typo does not', async () => {
    // A control project with one typo, so this test is known to catch template mistakes.
    const control = await scaffoldPlugin({
      name: 'keel-plugin-typo',
      kind: 'sensor',
      dir: path.join(root, 'typo'),
    });
    const source = await read(control.dir, 'src/index.ts');
    await writeFile(
      path.join(control.dir, 'src/index.ts'),
      source.replace('window.close;', 'window.closes;'),
    );

    const diagnostics = new Map<string, string[]>();
    let previous: ts.Program | undefined;
    for (const [label, project] of [
      ...projects.map((p) => [p.kind, p] as const),
      ['typo', control] as const,
    ]) {
      const configFile = ts.readConfigFile(path.join(project.dir, 'tsconfig.json'), ts.sys.readFile);
      const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, project.dir);
      expect(parsed.errors).toEqual([]);
      const options = {
        ...parsed.options,
        // Workspace packages are read from source (no build needed), the way vitest reads them.
        customConditions: ['@keel/source'],
      };
      // Reusing the previous program's parsed files keeps four programs to the cost of about one.
      const program = ts.createProgram({
        rootNames: parsed.fileNames,
        options,
        ...(previous ? { oldProgram: previous } : {}),
      });
      previous = program;
      const mine = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file === undefined || d.file.fileName.startsWith(project.dir))
        .map((d) => {
          const where = d.file
            ? `${path.relative(project.dir, d.file.fileName)}(${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1})`
            : '';
          return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        });
      diagnostics.set(label, mine);
    }
    expect(diagnostics.get('sensor')).toEqual([]);
    expect(diagnostics.get('job')).toEqual([]);
    expect(diagnostics.get('service')).toEqual([]);
    expect(diagnostics.get('typo')?.join('\n')).toMatch(
      /src\/index\.ts\(\d+\): Property 'closes' does not exist/,
    );
  }, 120_000);
});

describe('scaffoldPlugin', () => {
  it('refuses a non-empty directory unless forced, and a bad kind or name', async () => {
    const dir = path.join(root, 'busy');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'notes.txt'), 'keep me');
    await expect(scaffoldPlugin({ name: 'keel-plugin-busy', dir })).rejects.toMatchObject({
      code: 'CREATE_TARGET_NOT_EMPTY',
      hint: expect.stringContaining('--force'),
    });
    const forced = await scaffoldPlugin({ name: 'keel-plugin-busy', dir, force: true });
    expect(forced.kind).toBe('sensor');
    expect(await read(dir, 'notes.txt')).toBe('keep me');
    await expect(
      scaffoldPlugin({ name: 'keel-plugin-x2', dir: path.join(root, 'k'), kind: 'bot' as never }),
    ).rejects.toMatchObject({
      code: 'CREATE_INVALID_KIND',
    });
    await expect(scaffoldPlugin({ name: 'Bad Name', dir: path.join(root, 'n') })).rejects.toMatchObject({
      code: 'CREATE_INVALID_NAME',
    });
  });
});
