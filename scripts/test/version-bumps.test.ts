import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { copyWorkingTree } from '../release/scratch-copy.mjs';
import {
  addMinorChangesets,
  bumpBetween,
  changesetVersion,
  describeBumps,
  isBreaking,
  peerDependedOn,
  readWorkspace,
  requestedBumps,
  unaskedBreakingBumps,
} from '../release/version-plan.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'keel-version-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Copies the working tree, optionally adds minors, runs `changeset version`, returns the unasked bumps. */
function versionInScratch(
  name: string,
  minorsFor: (workspace: ReturnType<typeof readWorkspace>) => string[],
) {
  const dir = path.join(scratch, name);
  copyWorkingTree(root, dir);
  const before = readWorkspace(dir);
  const minors = minorsFor(before);
  addMinorChangesets(dir, minors);
  const requested = requestedBumps(dir);
  changesetVersion(root, dir);
  const after = readWorkspace(dir);
  const left = readdirSync(path.join(dir, '.changeset')).filter(
    (f) => f.endsWith('.md') && f !== 'README.md',
  );
  return { before, after, minors, left, found: unaskedBreakingBumps(before, after, requested) };
}

describe('changeset version in a scratch copy', () => {
  it('gives no package a breaking bump its own changesets did not ask for', () => {
    const { before, left, found } = versionInScratch('pending', () => []);
    expect(describeBumps(found), 'unasked breaking bumps').toBe('');
    // The check looked at the real packages, and the version step consumed every changeset.
    expect(before.size).toBeGreaterThan(10);
    expect(left).toEqual([]);
  });

  it('a minor of every package that others peer-depend on moves none of its dependents a major', () => {
    const { after, minors, found } = versionInScratch('minors', (workspace) => peerDependedOn(workspace));
    expect(minors).toEqual(expect.arrayContaining(['@keel/contract', '@keel/host', '@keel/notify']));
    expect(describeBumps(found), 'unasked breaking bumps').toBe('');
    for (const name of minors) expect(after.get(name)?.version, name).toMatch(/^[1-9]\d*\.[1-9]\d*\.0$/);
  });
});

describe('bump arithmetic', () => {
  it('names the step between two versions', () => {
    expect(bumpBetween('0.1.0', '1.0.0')).toBe('major');
    expect(bumpBetween('1.0.0', '1.1.0')).toBe('minor');
    expect(bumpBetween('0.1.0', '0.1.1')).toBe('patch');
    expect(bumpBetween('1.2.3', '1.2.3')).toBe('none');
  });

  it('treats a minor below 1.0 as breaking, since ^0.1.0 does not accept 0.2.0', () => {
    expect(isBreaking('0.1.0', 'minor')).toBe(true);
    expect(isBreaking('1.0.0', 'minor')).toBe(false);
    expect(isBreaking('1.0.0', 'major')).toBe(true);
    expect(isBreaking('0.1.0', 'patch')).toBe(false);
  });

  it('reports a peer dependent pushed to 1.0.0 by a dependency, as the old @keel/redis range would be', () => {
    const before = new Map([['@keel/redis', { version: '0.1.0', private: false, dir: '', peers: [] }]]);
    const after = new Map([['@keel/redis', { version: '1.0.0', private: false, dir: '', peers: [] }]]);
    const found = unaskedBreakingBumps(before, after, new Map([['@keel/redis', 'patch']]));
    expect(describeBumps(found)).toBe(
      '@keel/redis: 0.1.0 → 1.0.0 (major), but its own changesets ask for patch',
    );
    expect(unaskedBreakingBumps(before, after, new Map([['@keel/redis', 'major']]))).toEqual([]);
  });
});
