import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBetterSqlite3 } from './load-better-sqlite3.js';

// A folder with no node_modules, probed in a child process without NODE_PATH (the test runner's
// own bin shim sets one that reaches the workspace store): resolving better-sqlite3 from there fails
// exactly as in a project that never installed the optional peer.
const empty = mkdtempSync(path.join(tmpdir(), 'keel-no-sqlite-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

interface Probe {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly hint?: string;
  readonly loaded?: boolean;
}

function loadWithoutSqlite(call: string): Probe {
  const loader = pathToFileURL(fileURLToPath(new URL('./load-better-sqlite3.ts', import.meta.url))).href;
  const script = `
    import { createRequire } from 'node:module';
    import { loadBetterSqlite3 } from ${JSON.stringify(loader)};
    const from = createRequire(${JSON.stringify(path.join(empty, 'index.js'))});
    try {
      ${call};
      console.log(JSON.stringify({ loaded: true }));
    } catch (e) {
      console.log(JSON.stringify({ name: e.constructor.name, code: e.code, message: e.message, hint: e.hint }));
    }`;
  const { NODE_PATH: _ignored, ...env } = process.env;
  const out = execFileSync(
    process.execPath,
    ['--conditions=@keel/source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: fileURLToPath(new URL('.', import.meta.url)), env, encoding: 'utf8', timeout: 60_000 },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Probe;
}

describe('loadBetterSqlite3', () => {
  it('loads the installed module', () => {
    const Database = loadBetterSqlite3();
    const db = new Database(':memory:');
    expect(db.prepare('SELECT 2 AS two').get()).toEqual({ two: 2 });
    db.close();
  });

  it('without better-sqlite3 throws CACHE_SQLITE_UNAVAILABLE with an install-or-memory hint', () => {
    const probe = loadWithoutSqlite('loadBetterSqlite3(from)');
    expect(probe).toEqual({
      name: 'CacheError',
      code: 'CACHE_SQLITE_UNAVAILABLE',
      message:
        'the SQLite plugin cache needs the optional peer dependency better-sqlite3, which is not installed',
      hint: expect.stringMatching(/npm install better-sqlite3 .*cache: \{ memory: true \}/),
    });
  });

  it('passes a broken install through unchanged', () => {
    const broken = new Error('the native binding failed to load');
    const from = (() => {
      throw broken;
    }) as unknown as NodeJS.Require;
    expect(() => loadBetterSqlite3(from)).toThrow(broken);
  });
});
