#!/usr/bin/env node
// `npm start` / `npm test` on a machine that has only Node 20: finds or fetches pnpm 10.34.9,
// installs the workspace from the lockfile, then builds and runs the app or every check and test.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

const [pnpm, pnpmPrefix] = pnpmCommand();
const p = (...args) => run(pnpm, [...pnpmPrefix, ...args]);

p('install', '--frozen-lockfile');

if (command === 'start') {
  p('exec', 'turbo', 'run', 'build', '--filter', '@keel/reference...', '--output-logs=errors-only');
  p('--filter', '@keel/reference', 'start', ...rest);
} else if (command === 'test') {
  p('exec', 'turbo', 'run', 'build', 'typecheck', 'pack:check', '--output-logs=errors-only');
  p('exec', 'biome', 'check', '.');
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
    { allowFailure: true },
  );
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // One plain closing line that any CI log reader understands.
    console.log(`\nTests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  }
  process.exit(status);
} else {
  console.error(`usage: node scripts/bootstrap.mjs <start|test> [args]`);
  process.exit(2);
}
