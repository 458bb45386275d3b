import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from './scratch-copy.mjs';

const LEVELS = ['none', 'patch', 'minor', 'major'];

/** `name → { version, private, dir, peers }` for every workspace package (pnpm-workspace.yaml globs). */
export function readWorkspace(root) {
  const yaml = readFileSync(path.join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [...yaml.matchAll(/^\s*-\s*['"]?([^'"\s]+)\/\*['"]?\s*$/gm)].map((m) => m[1]);
  const packages = new Map();
  for (const folder of globs) {
    let entries = [];
    try {
      entries = readdirSync(path.join(root, folder), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const dir = path.join(root, folder, entry.name);
      let pkg;
      try {
        pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      packages.set(pkg.name, {
        version: pkg.version,
        private: pkg.private === true,
        dir,
        peers: Object.keys(pkg.peerDependencies ?? {}),
      });
    }
  }
  return packages;
}

/** The highest bump each package's pending changesets ask for (`none` counts as asked-for nothing). */
export function requestedBumps(root) {
  const folder = path.join(root, '.changeset');
  const wanted = new Map();
  for (const file of readdirSync(folder)) {
    if (!file.endsWith('.md') || file === 'README.md') continue;
    const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(path.join(folder, file), 'utf8'));
    if (front === null) continue;
    for (const line of front[1].split('\n')) {
      const m = /^\s*["']?([^"':]+)["']?\s*:\s*(none|patch|minor|major)\s*$/.exec(line);
      if (m === null) continue;
      const [, name, bump] = m;
      if (LEVELS.indexOf(bump) > LEVELS.indexOf(wanted.get(name) ?? 'none')) wanted.set(name, bump);
    }
  }
  return wanted;
}

/** `none | patch | minor | major` between two plain `x.y.z` versions. */
export function bumpBetween(from, to) {
  const [a, b] = [from, to].map((v) => v.split('-')[0].split('.').map(Number));
  if (b[0] !== a[0]) return 'major';
  if (b[1] !== a[1]) return 'minor';
  if (b[2] !== a[2]) return 'patch';
  return 'none';
}

/** Whether a bump breaks `^from`: a major from 1.0, a minor or major below it. */
export function isBreaking(from, bump) {
  return bump === 'major' || (bump === 'minor' && from.startsWith('0.'));
}

/**
 * The packages whose version moved by a breaking step that none of their own changesets asked for,
 * e.g. a peer dependent pushed to a major because the range it declares no longer holds.
 */
export function unaskedBreakingBumps(before, after, requested) {
  const found = [];
  for (const [name, { version: from, private: isPrivate }] of before) {
    const to = after.get(name)?.version;
    if (isPrivate || to === undefined) continue;
    const bump = bumpBetween(from, to);
    const asked = requested.get(name) ?? 'none';
    if (isBreaking(from, bump) && LEVELS.indexOf(bump) > LEVELS.indexOf(asked)) {
      found.push({ name, from, to, bump, asked });
    }
  }
  return found;
}

/** Packages another workspace package lists as a peer dependency: their minors must not move others. */
export function peerDependedOn(workspace) {
  const names = new Set();
  for (const { peers } of workspace.values())
    for (const peer of peers) if (workspace.has(peer)) names.add(peer);
  return [...names].sort();
}

/** Adds a `minor` changeset for each of `names`, as a release that adds features to them would. */
export function addMinorChangesets(root, names) {
  for (const name of names) {
    const file = path.join(root, '.changeset', `release-check-${name.replace(/[@/]/g, '-')}.md`);
    writeFileSync(file, `---\n"${name}": minor\n---\n\nRelease check: a feature release of ${name}.\n`);
  }
}

/** Runs the real `changeset version` in `dir` with the repository's own changesets CLI. */
export function changesetVersion(root, dir) {
  const bin = path.join(root, 'node_modules', '@changesets', 'cli', 'bin.js');
  return run(process.execPath, [bin, 'version'], { cwd: dir, env: { ...process.env, CI: 'true' } }).stdout;
}

/** One line per unasked bump, for a test failure or the rehearsal log. */
export function describeBumps(found) {
  return found
    .map((b) => `${b.name}: ${b.from} → ${b.to} (${b.bump}), but its own changesets ask for ${b.asked}`)
    .join('\n');
}
