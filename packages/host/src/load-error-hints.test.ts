import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { definePlugin, KeelError, type KeelPlugin } from '@keel/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHost } from './host.js';
import { createLogger } from './logger.js';

const quiet = () => createLogger({ level: 'silent' });
const plugin = (id: string, extra: Partial<KeelPlugin> = {}): KeelPlugin =>
  definePlugin({
    id,
    name: id,
    version: '1.0.0',
    category: 'alpha',
    onBar: () => ({ active: false, score: 0, status: 'ok' }),
    ...extra,
  } as KeelPlugin);

class AcmeError extends KeelError<'ACME_NO_KEY' | 'ACME_BAD_REGION'> {}

// A folder with no node_modules: resolving better-sqlite3 from it fails as on a host without it.
let bare: string;
beforeAll(async () => {
  bare = await mkdtemp(path.join(tmpdir(), 'keel-host-hints-'));
});
afterAll(async () => {
  await rm(bare, { recursive: true, force: true });
});

describe('load errors keep a thrown KeelError’s code and hint', () => {
  it('from a setup that needs better-sqlite3 where it is not installed', () => {
    // In a child process without NODE_PATH (the test runner's bin shim sets one reaching the
    // workspace store), resolving better-sqlite3 from an empty folder fails as in a project without it.
    const here = (file: string) => pathToFileURL(fileURLToPath(new URL(file, import.meta.url))).href;
    const script = `
      import { createRequire } from 'node:module';
      import { createHost } from ${JSON.stringify(here('./host.ts'))};
      import { createLogger } from ${JSON.stringify(here('./logger.ts'))};
      import { loadBetterSqlite3 } from ${JSON.stringify(here('./services/load-better-sqlite3.ts'))};
      const from = createRequire(${JSON.stringify(path.join(bare, 'index.js'))});
      const host = createHost({ cache: { memory: true }, services: { logger: createLogger({ level: 'silent' }) } });
      const needsSqlite = {
        id: 'needs-sqlite', name: 'needs-sqlite', version: '1.0.0', category: 'diag',
        setup: () => { loadBetterSqlite3(from); },
      };
      const { errors } = await host.load([needsSqlite]);
      console.log(JSON.stringify({ errors, listed: host.loadErrors }));
      await host.dispose();`;
    const { NODE_PATH: _ignored, ...env } = process.env;
    const out = execFileSync(
      process.execPath,
      ['--conditions=@keel/source', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: fileURLToPath(new URL('.', import.meta.url)), env, encoding: 'utf8', timeout: 60_000 },
    );
    const { errors, listed } = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
      errors: unknown[];
      listed: unknown[];
    };
    expect(errors).toEqual([
      {
        plugin: 'needs-sqlite',
        phase: 'setup',
        code: 'CACHE_SQLITE_UNAVAILABLE',
        message:
          'the SQLite plugin cache needs the optional peer dependency better-sqlite3, which is not installed',
        entry: 0,
        hint: expect.stringMatching(/npm install better-sqlite3 .*cache: \{ memory: true \}/),
      },
    ]);
    expect(listed).toEqual(errors);
  }, 60_000);

  it('from a factory, a rejecting setup and a config schema transform', async () => {
    const host = createHost({ cache: { memory: true }, services: { logger: quiet() } });
    const { errors, loaded } = await host.load([
      () => {
        throw new AcmeError('ACME_NO_KEY', 'ACME_KEY is not set', { hint: 'export ACME_KEY=<your key>' });
      },
      plugin('async-setup', {
        setup: async () => {
          throw new AcmeError('ACME_BAD_REGION', 'region "mars" is unknown', { hint: 'use us or eu' });
        },
      }),
      {
        plugin: plugin('transforming', {
          config: z.object({
            region: z.string().transform((region) => {
              if (region !== 'us') {
                throw new AcmeError('ACME_BAD_REGION', `config.region ${JSON.stringify(region)} is unknown`, {
                  hint: 'set region to "us"',
                });
              }
              return region;
            }),
          }),
        }),
        config: { region: 'eu' },
      },
      plugin('fine'),
    ]);
    expect(loaded.map((p) => p.id)).toEqual(['fine']);
    expect(errors.map((e) => [e.plugin, e.phase, e.code, e.hint])).toEqual([
      ['entry[0]', 'import', 'ACME_NO_KEY', 'export ACME_KEY=<your key>'],
      ['async-setup', 'setup', 'ACME_BAD_REGION', 'use us or eu'],
      ['transforming', 'config', 'ACME_BAD_REGION', 'set region to "us"'],
    ]);
    expect(errors.map((e) => e.message)).toEqual([
      'plugin factory threw: ACME_KEY is not set',
      'region "mars" is unknown',
      'config.region "eu" is unknown',
    ]);
    await host.dispose();
  });

  it('plain throws keep the host code and get no hint', async () => {
    const host = createHost({ cache: { memory: true }, services: { logger: quiet() } });
    const { errors } = await host.load([
      plugin('plain', {
        setup: () => {
          throw new Error('no database');
        },
      }),
      () => {
        throw new Error('no config file');
      },
    ]);
    expect(errors.map((e) => [e.phase, e.code, 'hint' in e])).toEqual([
      ['setup', 'HOST_SETUP_FAILED', false],
      ['import', 'HOST_IMPORT_FAILED', false],
    ]);
    await host.dispose();
  });
});
