#!/usr/bin/env node
// `pnpm release:rehearse`: the first release, for real, against a registry on loopback.
//
// 1. copy the working tree to a scratch folder (the checkout is never touched) and install it there;
// 2. build, then `changeset version` (failing on a breaking bump nobody asked for);
// 3. start verdaccio on 127.0.0.1 (storage in the scratch folder) and `changeset publish` to it;
// 4. as a user with plain npm and that registry: `npm create keel-plugin@latest demo`, `npm install`,
//    `npm test` (also typecheck and build; and the job and service templates); a project with only @keel/host + @keel/contract that replays bars from a CSV; and a
//    project with only @keel/notify. None of them may install better-sqlite3 (a native build).
//    Last, one project installs every published package and imports each of their entry points.
//
// Options: --ref <commit> (rehearse a commit, e.g. HEAD, instead of the working tree with its
// uncommitted files), --keep (leave the scratch folder), --verbose (stream every command's output).
// It ends with one line: `rehearsal: N packages published, demo plugin tests N passed, consumer replayed N bars`.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { cleanEnv } from './release/clean-env.mjs';
import { CONSUMER_REPLAY, IMPORT_ALL, NOTIFY_ONLY, writeProject } from './release/consumer-project.mjs';
import { consumerResult, publishedByChangesets, vitestCounts } from './release/counts.mjs';
import { addUser, publishedVersions, startVerdaccio } from './release/registry.mjs';
import { copyCommit, copyWorkingTree } from './release/scratch-copy.mjs';
import { RehearsalError, runStep, seconds } from './release/steps.mjs';
import {
  changesetVersion,
  describeBumps,
  readWorkspace,
  requestedBumps,
  unaskedBreakingBumps,
} from './release/version-plan.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const keep = argv.includes('--keep');
const verbose = argv.includes('--verbose');
const refAt = argv.indexOf('--ref');
const ref = refAt === -1 ? undefined : argv[refAt + 1];
const unknown = argv.filter(
  (a, i) => a !== '--keep' && a !== '--verbose' && a !== '--ref' && !(refAt !== -1 && i === refAt + 1),
);
if (unknown.length > 0 || (refAt !== -1 && (ref === undefined || ref.startsWith('--')))) {
  process.stderr.write(
    `release:rehearse: ${unknown.length > 0 ? `unknown option ${unknown[0]}` : '--ref needs a commit'} (options: --ref <commit>, --keep, --verbose)\n`,
  );
  process.exit(2);
}

const BARS = 5000;
const UPSTREAM = 'https://registry.npmjs.org/';
const log = (line) => process.stdout.write(`[rehearse] ${line}\n`);
const scratch = mkdtempSync(path.join(tmpdir(), 'keel-rehearsal-'));
// npm's cache outlives the run (a second rehearsal downloads nothing it already has); our own
// packages are fetched from this run's registry, whose URL (port) is new every time.
const npmCache = path.join(tmpdir(), 'keel-rehearsal-cache', 'npm');
const repo = path.join(scratch, 'repo');
const projects = path.join(scratch, 'projects');
const started = performance.now();
let registry;
let phase = 'setup';
const APP_PACKAGE = '@keel/reference';

async function inPhase(name, fn) {
  phase = name;
  const start = performance.now();
  log(`${name} …`);
  const result = await fn();
  log(`${name} done (${seconds(start)})`);
  return result;
}

function assert(condition, message) {
  if (!condition) throw new RehearsalError(phase, message);
}

function nativeModulesIn(dir) {
  return ['better-sqlite3'].filter((name) => existsSync(path.join(dir, 'node_modules', name)));
}

try {
  // Scratch pnpm runs with the developer's own pnpm/npm config (store, nodedir), minus what the
  // calling `pnpm run` injected.
  const repoEnv = cleanEnv({ TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1', CI: 'true' });
  const pnpm = (label, args, timeoutMs) =>
    runStep(log, label, 'pnpm', args, { cwd: repo, env: repoEnv, timeoutMs, verbose });

  await inPhase('copy', async () => {
    const files = ref === undefined ? copyWorkingTree(root, repo) : copyCommit(root, ref, repo);
    log(`  ${files} files of ${ref ?? 'the working tree'} → ${repo}`);
  });

  await inPhase('install', () =>
    pnpm('pnpm install --frozen-lockfile', ['install', '--frozen-lockfile', '--prefer-offline'], 600_000),
  );

  // Built before `changeset version`, which changes only versions and changelogs, never what tsc
  // emits. One `tsc -b` over every package shares one compiler (every package's build is `tsc -b`;
  // anything else is built through its own script).
  await inPhase('build', async () => {
    const packages = [...readWorkspace(repo).values()].filter(
      (p) =>
        !p.private &&
        (p.dir.includes(`${path.sep}packages${path.sep}`) || p.dir.includes(`${path.sep}apps${path.sep}`)),
    );
    const scripts = packages.map((p) => ({
      dir: p.dir,
      build: JSON.parse(readFileSync(path.join(p.dir, 'package.json'), 'utf8')).scripts?.build,
    }));
    const plain = scripts
      .filter((p) => p.build === 'tsc -b')
      .map((p) => path.relative(repo, path.join(p.dir, 'tsconfig.json')));
    await runStep(
      log,
      `tsc -b (${plain.length} packages)`,
      process.execPath,
      [path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', ...plain],
      {
        cwd: repo,
        env: repoEnv,
        timeoutMs: 600_000,
        verbose,
      },
    );
    for (const { dir, build } of scripts.filter((p) => p.build !== undefined && p.build !== 'tsc -b')) {
      await runStep(log, `${path.basename(dir)}: ${build}`, 'pnpm', ['run', 'build'], {
        cwd: dir,
        env: repoEnv,
        timeoutMs: 600_000,
        verbose,
      });
    }
  });

  const versions = await inPhase('version', async () => {
    const before = readWorkspace(repo);
    const requested = requestedBumps(repo);
    const output = changesetVersion(root, repo);
    if (verbose) process.stdout.write(output);
    const after = readWorkspace(repo);
    const unasked = unaskedBreakingBumps(before, after, requested);
    assert(
      unasked.length === 0,
      `changeset version made breaking bumps nobody asked for:\n${describeBumps(unasked)}`,
    );
    const moved = [...after].filter(([name, p]) => before.get(name)?.version !== p.version);
    log(
      `  ${moved.length} versions moved: ${moved.map(([name, p]) => `${name}@${p.version}`).join(', ') || 'none'}`,
    );
    const publishable = [...after].filter(([, p]) => !p.private);
    return new Map(publishable.map(([name, p]) => [name, p.version]));
  });

  registry = await inPhase('registry', async () => {
    const started = await startVerdaccio({ root, dir: path.join(scratch, 'registry'), upstream: UPSTREAM });
    log(`  verdaccio 6.8.0 on ${started.url}`);
    return started;
  });
  const token = await addUser(registry.url, 'keel-rehearsal');
  const auth = `//${new URL(registry.url).host}/:_authToken=${token}`;
  mkdirSync(projects, { recursive: true });
  const userNpmrc = path.join(scratch, 'user.npmrc');
  // A machine's own npm settings for native builds (here `nodedir`, so node-gyp uses the installed
  // Node headers instead of downloading them) carry over into the user's npmrc; nothing else does.
  const nodedir = spawnSync('npm', ['config', 'get', 'nodedir'], {
    encoding: 'utf8',
    env: cleanEnv(),
  }).stdout?.trim();
  writeFileSync(
    userNpmrc,
    `registry=${registry.url}\n${auth}\nfund=false\naudit=false\nupdate-notifier=false\n${
      nodedir && nodedir !== 'undefined' && nodedir !== 'null' ? `nodedir=${nodedir}\n` : ''
    }`,
  );

  const published = await inPhase('publish', async () => {
    // The repository's .npmrc gains the loopback registry and the throwaway token (the copy's only).
    appendFileSync(path.join(repo, '.npmrc'), `\nregistry=${registry.url}\n${auth}\n`);
    const env = { ...repoEnv, npm_config_registry: registry.url };
    const output = await runStep(
      log,
      'changeset publish',
      process.execPath,
      [path.join(root, 'node_modules', '@changesets', 'cli', 'bin.js'), 'publish'],
      {
        cwd: repo,
        env,
        timeoutMs: 600_000,
        verbose,
      },
    );
    const reported = publishedByChangesets(output);
    const missing = [];
    for (const [name, version] of versions) {
      if (!(await publishedVersions(registry.url, name)).includes(version))
        missing.push(`${name}@${version}`);
    }
    assert(
      missing.length === 0,
      `the registry lacks ${missing.join(', ')} after changeset publish:\n${output.trim().split('\n').slice(-20).join('\n')}`,
    );
    assert(
      reported.length === versions.size,
      `changeset publish reported ${reported.length} packages, the workspace has ${versions.size} public ones`,
    );
    log(`  ${reported.length} packages: ${reported.map((p) => `${p.name}@${p.version}`).join(', ')}`);
    return reported.length;
  });

  // Everything below is a user with plain npm: their registry is the loopback one, nothing else.
  const userEnv = cleanEnv({
    npm_config_userconfig: userNpmrc,
    npm_config_registry: registry.url,
    npm_config_cache: npmCache,
    npm_config_yes: 'true',
    npm_config_prefer_offline: 'true',
    CI: 'true',
  });
  const npm = (label, args, cwd) =>
    runStep(log, label, 'npm', args, { cwd, env: userEnv, timeoutMs: 600_000, verbose });

  // `demo` is the default (a bar sensor) and gets the full treatment; the job and service templates
  // are installed and tested too, since each exercises other parts of the published host.
  const demoTests = await inPhase('demo plugin', async () => {
    let passed = 0;
    for (const [dirName, extra] of [
      ['demo', []],
      ['demo-job', ['--kind', 'job']],
      ['demo-service', ['--kind', 'service']],
    ]) {
      const createArgs = [
        'create',
        'keel-plugin@latest',
        dirName,
        ...(extra.length > 0 ? ['--', ...extra] : []),
      ];
      await npm(`npm ${createArgs.join(' ')}`, createArgs, projects);
      const demo = path.join(projects, dirName);
      const manifest = JSON.parse(readFileSync(path.join(demo, 'package.json'), 'utf8'));
      for (const name of ['@keel/contract', '@keel/host', '@keel/testing']) {
        const range = manifest.devDependencies?.[name];
        assert(
          range === `^${versions.get(name)}`,
          `${dirName}: the generated package wants ${name}@${range}, the release is ${versions.get(name)}`,
        );
      }
      await npm(`${dirName}: npm install`, ['install'], demo);
      const output = await npm(`${dirName}: npm test`, ['test'], demo);
      const counts = vitestCounts(output);
      assert(counts !== undefined, `${dirName}: npm test printed no vitest summary:\n${output.slice(-2000)}`);
      assert(
        counts.failed === 0 && counts.passed > 0,
        `${dirName} tests: ${counts.passed} passed, ${counts.failed} failed`,
      );
      passed += counts.passed;
      const native = nativeModulesIn(demo);
      assert(
        native.length === 0,
        `${dirName} installed ${native.join(', ')} (a native build it does not need)`,
      );
      if (dirName !== 'demo') continue;
      // The published type declarations must type-check in a strict user project, and it must build.
      await npm('demo: npm run typecheck', ['run', 'typecheck'], demo);
      await npm('demo: npm run build', ['run', 'build'], demo);
      assert(existsSync(path.join(demo, 'dist', 'index.js')), 'npm run build wrote no dist/index.js');
    }
    return passed;
  });

  const replayed = await inPhase('consumer', async () => {
    const consumer = path.join(projects, 'consumer');
    writeProject(consumer, 'keel-consumer', { 'replay.mjs': CONSUMER_REPLAY });
    await npm('npm install @keel/host @keel/contract', ['install', '@keel/host', '@keel/contract'], consumer);
    const deps = Object.keys(
      JSON.parse(readFileSync(path.join(consumer, 'package.json'), 'utf8')).dependencies ?? {},
    );
    assert(
      deps.sort().join(',') === '@keel/contract,@keel/host',
      `the consumer depends on ${deps.join(', ')}`,
    );
    const native = nativeModulesIn(consumer);
    assert(
      native.length === 0,
      `@keel/host + @keel/contract installed ${native.join(', ')} (a native build)`,
    );
    const output = await runStep(
      log,
      `node replay.mjs ${BARS}`,
      process.execPath,
      ['replay.mjs', String(BARS)],
      {
        cwd: consumer,
        env: userEnv,
        timeoutMs: 120_000,
        verbose,
      },
    );
    const result = consumerResult(output);
    assert(result !== undefined, `replay.mjs printed no result:\n${output.slice(-2000)}`);
    log(`  ${JSON.stringify(result)}`);
    assert(
      result.replayed === BARS && result.rejected?.total === 0,
      `replayed ${result.replayed} of ${BARS} bars (${result.rejected?.total} rejected)`,
    );
    assert(result.active > 0, 'the sensor was never active over the replay');
    assert(
      result.sqlite === 'CACHE_SQLITE_UNAVAILABLE',
      `@keel/host/sqlite without better-sqlite3 gave ${result.sqlite}, not CACHE_SQLITE_UNAVAILABLE`,
    );
    assert(
      /^CACHE_SQLITE_UNAVAILABLE: .*better-sqlite3.*\(hint: /.test(result.defaultCache),
      `a plugin using the default SQLite cache without better-sqlite3 gave: ${result.defaultCache}`,
    );
    assert(
      !existsSync(path.join(consumer, '.keel')),
      'the default cache created .keel/ without being able to open it',
    );
    return result.replayed;
  });

  await inPhase('notify only', async () => {
    const dir = path.join(projects, 'notify-only');
    writeProject(dir, 'keel-notify-only', { 'check.mjs': NOTIFY_ONLY });
    await npm('npm install @keel/notify', ['install', '@keel/notify'], dir);
    const native = nativeModulesIn(dir);
    assert(native.length === 0, `@keel/notify installed ${native.join(', ')} (a native build)`);
    const output = await runStep(log, 'node check.mjs', process.execPath, ['check.mjs'], {
      cwd: dir,
      env: userEnv,
      timeoutMs: 60_000,
      verbose,
    });
    const line = output.trim().split('\n').at(-1) ?? '';
    const result = JSON.parse(line.startsWith('{') ? line : '{}');
    assert(result.sent === 1, `the memory-marker dispatch sent ${result.sent} alerts, not 1`);
    assert(
      result.sqlite === 'SQLITE_UNAVAILABLE',
      `@keel/notify/sqlite without better-sqlite3 gave ${result.sqlite}`,
    );
  });

  // The app as a user gets it: `npm install @keel/reference`, then its `keel` bin on its embedded
  // sample data. (It depends on better-sqlite3 for its embedded SQLite defaults, so this is the one
  // project here that compiles it.)
  await inPhase('keel app', async () => {
    const dir = path.join(projects, 'app');
    writeProject(dir, 'keel-app-user', {});
    const version = versions.get(APP_PACKAGE);
    assert(version !== undefined, `${APP_PACKAGE} is not among the published packages`);
    await npm(`npm install ${APP_PACKAGE}`, ['install', `${APP_PACKAGE}@${version}`], dir);
    const shown = (await npm('npx keel --version', ['exec', '--', 'keel', '--version'], dir)).trim();
    assert(
      shown.split('\n').at(-1) === version,
      `keel --version printed ${JSON.stringify(shown)}, not ${version}`,
    );
    // stdout alone is the JSON document (progress and notes go to stderr).
    await runStep(
      log,
      'npx keel replay --json > replay.json',
      'sh',
      ['-c', 'npx keel replay --json > replay.json'],
      {
        cwd: dir,
        env: userEnv,
        timeoutMs: 300_000,
        verbose,
      },
    );
    const doc = JSON.parse(readFileSync(path.join(dir, 'replay.json'), 'utf8'));
    const replay = doc.replay ?? {};
    assert(
      doc.ok === true,
      `keel replay --json was not ok: ${JSON.stringify(doc.error ?? doc).slice(0, 400)}`,
    );
    assert(
      (replay.loadErrors ?? []).length === 0,
      `keel replay had load errors: ${JSON.stringify(replay.loadErrors)}`,
    );
    assert(
      (replay.plugins ?? []).length > 0 && replay.accepted > 0,
      'keel replay loaded no plugins or replayed no bars',
    );
    log(`  keel ${version}: ${replay.plugins.length} plugins, ${replay.accepted} sample bars replayed`);
  });

  await inPhase('every entry point', async () => {
    const dir = path.join(projects, 'everything');
    writeProject(dir, 'keel-everything', { 'import-all.mjs': IMPORT_ALL });
    // Libraries only: the app is a command (checked above), not an import.
    const specs = [...versions]
      .filter(([name]) => name !== APP_PACKAGE)
      .map(([name, version]) => `${name}@${version}`);
    await npm(`npm install (${specs.length} packages)`, ['install', ...specs], dir);
    // Every peer range must hold in a project that holds every package: `npm ls` exits non-zero on
    // an invalid or missing peer.
    await npm('npm ls --all', ['ls', '--all'], dir);
    const output = await runStep(log, 'node import-all.mjs', process.execPath, ['import-all.mjs'], {
      cwd: dir,
      env: userEnv,
      timeoutMs: 120_000,
      verbose,
    });
    const line = output.trim().split('\n').at(-1) ?? '';
    const result = JSON.parse(line.startsWith('{') ? line : '{"imported":0,"failed":["no result"]}');
    assert(result.failed.length === 0, `entry points that do not import:\n${result.failed.join('\n')}`);
    log(`  ${result.imported} entry points of ${specs.length} packages import`);
  });

  await registry.stop();
  registry = undefined;
  if (!keep) rmSync(scratch, { recursive: true, force: true });
  else log(`scratch kept in ${scratch}`);
  log(`finished in ${seconds(started)}`);
  process.stdout.write(
    `rehearsal: ${published} packages published, demo plugin tests ${demoTests} passed, consumer replayed ${replayed} bars\n`,
  );
} catch (error) {
  const where = error instanceof RehearsalError ? error.phase : phase;
  process.stderr.write(
    `\nrehearsal failed in phase "${where}": ${error instanceof Error ? error.message : String(error)}\n`,
  );
  if (registry) process.stderr.write(`verdaccio log (tail):\n${registry.log().slice(-3000)}\n`);
  process.stderr.write(`scratch folder kept for inspection: ${scratch}\n`);
  await registry?.stop();
  process.exitCode = 1;
}
