import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(packageDir, 'src', 'cli.ts');
const root = await mkdtemp(path.join(tmpdir(), 'create-keel-plugin-cli-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** Runs the source CLI in a child process, as `npm create` would run the built one. */
async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', cli, ...args],
      {
        cwd: packageDir,
        env: { ...process.env, npm_config_user_agent: 'pnpm/10.34.9 node/v20' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// Each test starts one to four child processes (tsx start-up included): a generous limit, so a slow,
// busy machine is not mistaken for a broken CLI.
describe('create-keel-plugin CLI (child process)', { timeout: 120_000 }, () => {
  it('scaffolds a plugin and prints the next steps', async () => {
    const dir = path.join(root, 'ok');
    const out = await run('@acme/keel-plugin-vol-watch', '--kind', 'job', '--dir', dir);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Created @acme/keel-plugin-vol-watch (plugin id vol-watch, job)');
    expect(out.stdout).toContain('Next steps:');
    expect(out.stdout).toContain('pnpm install');
    expect((await readdir(dir)).sort()).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
  });

  it('refuses bad names with exit code 1 and a hint', async () => {
    for (const name of ['Bad', '1abc', '@acme/keel-plugin-x']) {
      const out = await run(name, '--dir', path.join(root, 'never'));
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(/^create-keel-plugin: (package name|plugin id) /);
      expect(out.stderr).toContain('hint:');
    }
    await expect(readdir(path.join(root, 'never'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a non-empty directory without --force and writes into it with --force', async () => {
    const dir = path.join(root, 'busy');
    await mkdir(dir);
    await writeFile(path.join(dir, 'notes.txt'), 'x');
    const refused = await run('keel-plugin-busy', '--dir', dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not empty');
    expect(refused.stderr).toContain('--force');
    expect(await readdir(dir)).toEqual(['notes.txt']);
    const forced = await run('keel-plugin-busy', '--dir', dir, '--force');
    expect(forced.code).toBe(0);
    expect(await readdir(dir)).toContain('package.json');
  });

  it('rejects unknown options and kinds, and prints help', async () => {
    const unknown = await run('keel-plugin-a1', '--colour');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Usage: create-keel-plugin');
    const kind = await run('keel-plugin-a1', '--kind', 'bot', '--dir', path.join(root, 'kind'));
    expect(kind).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--kind "bot" is not one of sensor, job, service'),
    });
    const help = await run('--help');
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('--kind, -k') });
    const missing = await run();
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('missing <name>') });
  });
});

describe('runCli (in process)', () => {
  it('defaults the directory to the unscoped name, relative to cwd, and npm commands', async () => {
    const lines: string[] = [];
    const code = await runCli(['@acme/keel-plugin-range-burst'], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
      cwd: root,
    });
    expect(code).toBe(0);
    expect(await readdir(path.join(root, 'keel-plugin-range-burst'))).toContain('package.json');
    expect(lines).toContain('  cd keel-plugin-range-burst');
    expect(lines).toContain('  npm install');
  });
});
