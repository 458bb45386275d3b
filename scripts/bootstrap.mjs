#!/usr/bin/env node
// `npm start` / `npm test` on a machine that has only Node 20: finds or fetches pnpm 10.34.9,
// installs the workspace from the lockfile, then builds and runs the app or every check and test.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePrerequisites } from './prerequisites.mjs';
import { summarizeReport } from './test-report.mjs';

const PNPM_VERSION = '10.34.9';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [command = 'test', ...rest] = process.argv.slice(2);

function run(cmd, args, options = {}) {
  const shown = [cmd, ...args].join(' ');
  console.log(`\n▶ ${shown}`);
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0 && !options.allowFailure) {
    console.error(`\n✖ ${shown} exited with ${result.status ?? result.signal}`);
    process.exit(result.status ?? 1);
  }
  return result.status ?? 1;
}

function pnpmCommand() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return ['pnpm', []];
  if (probe.status === 0) {
    console.log(
      `pnpm ${probe.stdout.trim()} found; using pnpm ${PNPM_VERSION} through npx for this workspace.`,
    );
  } else {
    console.log(`pnpm not found; using pnpm ${PNPM_VERSION} through npx (cached after the first run).`);
  }
  return ['npx', ['--yes', `pnpm@${PNPM_VERSION}`]];
}

/** Every workspace package folder (the globs of pnpm-workspace.yaml: packages/*, apps/*). */
function workspaceDirs() {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(path.join(root, group), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(root, group, d.name, 'package.json')))
      .map((d) => path.join(root, group, d.name)),
  );
}

const [pnpm, pnpmPrefix] = pnpmCommand();
const p = (...args) => run(pnpm, [...pnpmPrefix, ...args]);

console.log(
  '\nInstalling dependencies from the lockfile (on a new machine this compiles better-sqlite3 from source: 1–2 min)…',
);
p('install', '--frozen-lockfile');

if (command === 'start') {
  p('exec', 'turbo', 'run', 'build', '--filter', '@keel/reference...', '--output-logs=errors-only');
  // The app's start script runs `keel run` and ends with the two "next:" lines.
  p('--filter', '@keel/reference', 'start', ...rest);
} else if (command === 'dashboard') {
  // `npm run dashboard`: the same pnpm-finding path as start, so no global pnpm is needed.
  p('exec', 'turbo', 'run', 'build', '--filter', '@keel/reference...', '--output-logs=errors-only');
  p('--filter', '@keel/reference', 'serve', ...rest);
} else if (command === 'test') {
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
  const extraEnv = ensurePrerequisites();
  // One `tsc -b` builds every package and type-checks its sources and tests, sharing one compiler
  // and its parsed files: about a quarter of the time of one tsc process per package and task. The
  // build configs come first (their references order them); the test configs inherit no references,
  // so they follow every build they import. Same configs as `pnpm build` / `pnpm typecheck`.
  const dirs = workspaceDirs();
  const configs = ['tsconfig.json', 'tsconfig.test.json'].flatMap((name) =>
    dirs.map((dir) => path.join(dir, name)).filter(existsSync),
  );
  console.log(`\nBuilding and type-checking ${dirs.length} packages (one tsc -b; ~1 min on 2 cores)…`);
  p('exec', 'tsc', '-b', ...configs.map((f) => path.relative(root, f)));
  console.log(`\nChecking the packed packages (publint + attw through turbo) · ${elapsed()} so far`);
  // hash-only prints one line as each task starts, so a long check is never silent; a failing
  // task still prints its whole log.
  // --only: the builds it depends on were just done by tsc -b above.
  p('exec', 'turbo', 'run', 'pack:check', '--only', '--output-logs=hash-only');
  console.log(`\nLinting (Biome) · ${elapsed()} so far`);
  p('exec', 'biome', 'check', '.');
  console.log(`\nRunning every test (vitest) · ${elapsed()} so far`);
  const report = path.join(root, 'node_modules', '.cache', 'vitest-report.json');
  rmSync(report, { force: true });
  const status = run(
    pnpm,
    [
      ...pnpmPrefix,
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${report}`,
      ...rest,
    ],
    { allowFailure: true, env: { ...process.env, ...extraEnv } },
  );
  console.log(`\nnpm test took ${elapsed()}`);
  summarizeReport(report, root);
  process.exit(status);
} else {
  console.error(`usage: node scripts/bootstrap.mjs <start|dashboard|test> [args]`);
  process.exit(2);
}
