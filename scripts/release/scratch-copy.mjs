import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Copies the repository's working tree (tracked and untracked files, minus what .gitignore excludes:
 * node_modules, dist, caches) to `dest` and commits it there as one commit, so the release tools can
 * version, tag and publish without touching the real checkout.
 */
export function copyWorkingTree(root, dest) {
  mkdirSync(dest, { recursive: true });
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root });
  // Tracked files deleted in the working tree are still listed; the copy is of what is on disk.
  const files = listed.stdout.split('\0').filter((file) => file !== '' && existsSync(path.join(root, file)));
  const pack = spawnSync('tar', ['--null', '-T', '-', '-cf', '-'], {
    cwd: root,
    input: `${files.join('\0')}\0`,
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (pack.status !== 0) throw new Error(`tar of the working tree failed: ${pack.stderr}`);
  run('tar', ['-xf', '-', '-C', dest], { input: pack.stdout });
  commitSnapshot(dest);
  return files.length;
}

/** Copies the files of commit `ref` (e.g. `HEAD`: what a fresh clone would hold) to `dest`. */
export function copyCommit(root, ref, dest) {
  mkdirSync(dest, { recursive: true });
  const archive = spawnSync('git', ['archive', '--format=tar', ref], {
    cwd: root,
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (archive.status !== 0) throw new Error(`git archive ${ref} failed: ${archive.stderr}`);
  run('tar', ['-xf', '-', '-C', dest], { input: archive.stdout });
  commitSnapshot(dest);
  return run('git', ['ls-files'], { cwd: dest }).stdout.split('\n').filter(Boolean).length;
}

function commitSnapshot(dest) {
  const git = (...args) =>
    run('git', ['-c', 'user.name=keel-release', '-c', 'user.email=release@keel.invalid', ...args], {
      cwd: dest,
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '--no-verify', '-m', 'release rehearsal snapshot');
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n${output}`);
  }
  return result;
}
