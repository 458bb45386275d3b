import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isMissingModule, loadBetterSqlite3 } from './load-better-sqlite3.js';
import { createSqliteMarkerStore } from './sqlite-marker-store.js';

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
  it('loads the installed module, which opens a database', () => {
    const Database = loadBetterSqlite3('test');
    const db = new Database(':memory:');
    expect(db.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
    db.close();
  });

  it('without better-sqlite3 throws SQLITE_UNAVAILABLE naming the caller, with an install hint', () => {
    const probe = loadWithoutSqlite("loadBetterSqlite3('createSqliteOutbox', from)");
    expect(probe).toEqual({
      name: 'NotifyConfigError',
      code: 'SQLITE_UNAVAILABLE',
      message: 'createSqliteOutbox needs the optional peer dependency better-sqlite3, which is not installed',
      hint: expect.stringMatching(/^npm install better-sqlite3 .*createMemoryMarkerStore/),
    });
  });

  it('passes other failures through unchanged', () => {
    const broken = new Error('the native binding failed to load');
    const from = (() => {
      throw broken;
    }) as unknown as NodeJS.Require;
    expect(() => loadBetterSqlite3('test', from)).toThrow(broken);
  });

  it('isMissingModule wants the code and the module named in the message', () => {
    const missing = Object.assign(new Error("Cannot find module 'better-sqlite3'\nRequire stack: …"), {
      code: 'MODULE_NOT_FOUND',
    });
    expect(isMissingModule(missing, 'better-sqlite3')).toBe(true);
    expect(isMissingModule(missing, 'bindings')).toBe(false);
    expect(isMissingModule(new Error("Cannot find module 'better-sqlite3'"), 'better-sqlite3')).toBe(false);
    expect(isMissingModule(undefined, 'better-sqlite3')).toBe(false);
  });

  it('the SQLite marker store opens when the module is installed', async () => {
    const store = createSqliteMarkerStore({ path: ':memory:' });
    await store.record('ns', 'k', { a: 1 });
    expect(await store.has('ns', 'k')).toBe(true);
    await store.close?.();
  });
});
