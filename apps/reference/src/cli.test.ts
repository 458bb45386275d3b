import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNyseCalendar } from '@keel/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.ts';
import { defaultPlugins } from '../test/default-plugins.js';
import { appDir, runKeel } from '../test/run-keel.js';
import { sampleBars } from './sample-bars.js';

// Every test spawns the real CLI: exit codes and the split between stdout and stderr are the point.
const SLOW = 60_000;

let dir: string;
let csv: string;
let csvRows: number;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-cli-'));
  // A small CSV in the shared data format, from the embedded sample generator (3 NYSE sessions).
  const bars = [
    ...sampleBars({
      calendar: createNyseCalendar(),
      sessions: 3,
      end: Date.UTC(2026, 2, 1),
      symbol: 'X',
      seed: 3,
    }),
  ];
  csvRows = bars.length;
  csv = path.join(dir, 'QQQ_5m.csv');
  const rows = bars.map(
    (b) =>
      `${new Date(b.time).toISOString().replace('T', ' ').replace('.000Z', '+00:00')},${b.open},${b.high},${b.low},${b.close},${b.volume}`,
  );
  await writeFile(csv, `date,open,high,low,close,volume\n${rows.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function noStackTrace(text: string): void {
  expect(text).not.toMatch(/^\s+at /m);
  expect(text).not.toContain('ERR_PARSE_ARGS');
}

describe('keel CLI: usage', () => {
  it(
    'keel --version prints the app package version',
    async () => {
      const pkg = JSON.parse(await readFile(path.join(appDir, 'package.json'), 'utf8')) as {
        version: string;
      };
      const r = await runKeel(['--version']);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
    },
    SLOW,
  );

  it(
    'keel replay --help lists every option with its default and one example',
    async () => {
      const r = await runKeel(['replay', '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^keel replay — /);
      for (const flag of [
        '--config <file>',
        '--data <file.csv>',
        '--symbol <name>',
        '--json',
        '--allow-load-errors',
      ]) {
        expect(r.stdout).toContain(flag);
      }
      expect(r.stdout.match(/default: /g)?.length).toBe(5);
      expect(r.stdout).toMatch(/Example:\n {2}keel replay --data /);
      // Per-command help: serve's flags are not replay's.
      expect(r.stdout).not.toContain('--port');
    },
    SLOW,
  );

  it(
    'keel bogus --flag: one line naming the command, exit code 2, no stack trace',
    async () => {
      const r = await runKeel(['bogus', '--flag']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("keel: unknown command 'bogus' (see keel --help)\n");
      expect(r.stdout).toBe('');
    },
    SLOW,
  );

  it(
    'an unknown flag names the flag and the command, exit code 2',
    async () => {
      const r = await runKeel(['replay', '--flag']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("keel: unknown option --flag for 'replay' (see keel replay --help)\n");
      const typo = await runKeel(['replay', '--dta', csv]);
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain("keel: unknown option --dta for 'replay' (did you mean --data?)");
      noStackTrace(r.stderr + typo.stderr);
    },
    SLOW,
  );
});

describe('keel replay / run without a config file', () => {
  it(
    'keel replay --data FILE.csv --json prints one JSON document with the replay',
    async () => {
      // An empty cwd: no keel.config.json there, so the built-in config is used, state in ./.keel.
      const cwd = path.join(dir, 'empty');
      await mkdir(cwd, { recursive: true });
      const r = await runKeel(['replay', '--data', csv, '--json'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as {
        ok: boolean;
        command: string;
        config: string | null;
        replay: {
          data: { source: string; symbol: string; total: number };
          accepted: number;
          plugins: { id: string; resolvedFrom: string }[];
          loadErrors: unknown[];
          sensors: { id: string; calls: number }[];
          runs: { total: number; succeeded: number };
          sessions: unknown[];
        };
      };
      expect(doc).toMatchObject({ ok: true, command: 'replay', config: null });
      expect(doc.replay.data).toEqual({ source: csv, symbol: 'QQQ', total: csvRows });
      expect(doc.replay.accepted).toBe(csvRows);
      // The built-in config's plugins in config order, each found among the app's own packages.
      const builtin = (await defaultPlugins()).sort((a, b) => a.index - b.index);
      expect(doc.replay.plugins.map((p) => [p.id, p.resolvedFrom])).toEqual(
        builtin.map((p) => [p.id, 'app']),
      );
      expect(doc.replay.loadErrors).toEqual([]);
      expect(doc.replay.runs).toEqual({ total: 3, succeeded: 3 });
      expect(doc.replay.sessions).toHaveLength(3);
      // Not a TTY: no live bar, only the summary line on stderr.
      expect(r.stderr).toBe(
        `replay: ${csvRows} bars (0 rejected) in ${/in (\S+) ·/.exec(r.stderr)?.[1]} · ${/· (\S+) bars\/s/.exec(r.stderr)?.[1]} bars/s\n`,
      );
      expect(r.stderr).not.toContain('\r');
      await expect(readFile(path.join(cwd, '.keel', 'cache.sqlite'))).resolves.toBeDefined();
    },
    SLOW,
  );

  it(
    'keel run --data --symbol --json: replay and signals in one document, alerts off stdout',
    async () => {
      const cwd = path.join(dir, 'run');
      await mkdir(cwd, { recursive: true });
      const r = await runKeel(['run', '--data', csv, '--symbol', 'SPY', '--json'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as {
        command: string;
        replay: { data: { symbol: string }; accepted: number };
        signals: { configured: boolean; signals: number; alerts: { channels: string[]; sent: number } };
      };
      expect(doc.command).toBe('run');
      expect(doc.replay.data.symbol).toBe('SPY');
      expect(doc.replay.accepted).toBe(csvRows);
      expect(doc.signals).toMatchObject({
        configured: true,
        signals: 2,
        alerts: { channels: ['console'], sent: 1 },
      });
      // The console channel's alert block went to stderr.
      expect(r.stderr).toContain('crisis_response_shadow');
    },
    SLOW,
  );

  it(
    'a missing data file: error CODE: message + hint, exit code 1',
    async () => {
      const r = await runKeel(['replay', '--data', path.join(dir, 'nope.csv')], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `error DATA_NOT_FOUND: data file ${path.join(dir, 'nope.csv')} cannot be read\n  hint: `,
      );
      noStackTrace(r.stderr);
    },
    SLOW,
  );

  it(
    'a malformed CSV row: error HOST_CSV_INVALID naming line and column, exit code 1',
    async () => {
      const bad = path.join(dir, 'bad.csv');
      await writeFile(bad, 'date,open,high,low,close\n2024-03-11 13:30:00+00:00,1,2,0.5,abc\n');
      const r = await runKeel(['replay', '--data', bad], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error HOST_CSV_INVALID: line 2, column close: "abc" is not a number');
      noStackTrace(r.stderr);
    },
    SLOW,
  );
});

// 47,754 bars through every plugin of the default config: seconds on an idle machine, far more on a
// loaded one.
const SPY_5M_LIMIT = 240_000;

describeWithSharedData('keel replay on the shared SPY 5-minute file', () => {
  it(
    'keel replay --data SPY_5m.csv replays all 47,754 bars with a known total',
    async () => {
      const file = sharedDataPath('SPY_5m.csv');
      const r = await runKeel(['replay', '--data', file], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Data: ${file} (SPY, 47,754 rows)`);
      expect(r.stdout).toContain('Replay: 47754 bars accepted, 0 rejected');
      const builtin = (await defaultPlugins()).sort((a, b) => a.index - b.index);
      expect(r.stdout).toContain(
        `Plugins: ${builtin.map((p) => `${p.id}@${p.version} (${p.layer})`).join(', ')}\n`,
      );
      expect(r.stderr).toMatch(/^replay: 47,754 bars \(0 rejected\) in \S+ · [\d,]+ bars\/s\n$/);
    },
    SPY_5M_LIMIT,
  );
});

describe('a config file outside the app', () => {
  let project: string;
  beforeAll(async () => {
    // A real plugin package in the config's own node_modules: ESM, exports with an `import`
    // condition only (invisible to require.resolve), no dependencies.
    project = path.join(dir, 'project');
    const pkgDir = path.join(project, 'node_modules', 'keel-plugin-up-bars');
    await mkdir(pkgDir, { recursive: true });
    await writeFile(
      path.join(pkgDir, 'package.json'),
      JSON.stringify({
        name: 'keel-plugin-up-bars',
        version: '1.2.3',
        type: 'module',
        exports: { '.': { import: './index.js' } },
      }),
    );
    await writeFile(
      path.join(pkgDir, 'index.js'),
      `export default {
  id: 'up-bars', name: 'Up bars', version: '1.2.3', category: 'diag', layer: 'L2', warmup: 0, window: 2,
  onBar({ bar }) {
    const active = bar.close > bar.open;
    return { active, score: active ? 1 : 0, status: active ? 'up' : 'down' };
  },
};
`,
    );
    await writeFile(path.join(project, 'data.csv'), await readFile(csv));
  });

  async function writeConfig(name: string, plugins: unknown[]): Promise<string> {
    const file = path.join(project, name);
    await writeFile(file, JSON.stringify({ data: { source: 'data.csv', symbol: 'QQQ' }, plugins }));
    return file;
  }

  it(
    'resolves a package from the config folder first, then from the app’s dependencies',
    async () => {
      const file = await writeConfig('keel.config.json', [
        { plugin: 'keel-plugin-up-bars' },
        { plugin: '@keel/plugin-atr-burst', config: { period: 10 } },
      ]);
      // Run from elsewhere: resolution follows the config file, not the current folder. NODE_PATH
      // (pnpm exec sets it to its store) must not make the app's plugins look installed there.
      const r = await runKeel(['replay', '--config', file, '--json'], {
        cwd: dir,
        env: { NODE_PATH: path.join(appDir, 'node_modules') },
      });
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as {
        config: string;
        replay: {
          plugins: { id: string; version: string; resolvedFrom: string }[];
          sensors: { id: string; calls: number }[];
        };
      };
      expect(doc.config).toBe(file);
      expect(doc.replay.plugins).toEqual([
        {
          id: 'up-bars',
          version: '1.2.3',
          layer: 'L2',
          specifier: 'keel-plugin-up-bars',
          resolvedFrom: 'config',
        },
        {
          id: 'atr-burst',
          version: '0.1.0',
          layer: 'L2',
          specifier: '@keel/plugin-atr-burst',
          resolvedFrom: 'app',
        },
      ]);
      expect(doc.replay.sensors.find((s) => s.id === 'up-bars')?.calls).toBe(csvRows);
    },
    SLOW,
  );

  it(
    'a load error exits 1 before the replay and names the entry; --allow-load-errors goes on',
    async () => {
      const file = await writeConfig('broken.config.json', [
        { plugin: 'keel-plugin-up-bars' },
        { plugin: 'keel-plugin-not-installed' },
      ]);
      const r = await runKeel(['replay', '--config', file], { cwd: project });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `load error: plugins[1] "keel-plugin-not-installed" (import, PLUGIN_NOT_FOUND): cannot find package "keel-plugin-not-installed" from the config's folder (${project})`,
      );
      expect(r.stderr).toContain('error PLUGIN_LOAD_FAILED: 1 of 2 plugin entries failed to load');
      expect(r.stderr).toContain('--allow-load-errors');
      expect(r.stderr).not.toContain('replay: ');
      noStackTrace(r.stderr);

      const allowed = await runKeel(['replay', '--config', file, '--allow-load-errors', '--json'], {
        cwd: project,
      });
      expect(allowed.code, allowed.stderr).toBe(0);
      const doc = JSON.parse(allowed.stdout) as {
        replay: { plugins: { id: string }[]; loadErrors: { code: string }[] };
      };
      expect(doc.replay.plugins.map((p) => p.id)).toEqual(['up-bars']);
      expect(doc.replay.loadErrors.map((e) => e.code)).toEqual(['PLUGIN_NOT_FOUND']);
    },
    SLOW,
  );

  it(
    'an unknown config key fails with the key and the closest valid one',
    async () => {
      const file = path.join(project, 'typo.config.json');
      await writeFile(file, JSON.stringify({ plugins: [{ plugn: '@keel/plugin-atr-burst' }] }));
      const r = await runKeel(['replay', '--config', file], { cwd: project });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `error CONFIG_INVALID: ${file}: plugins.0.plugn: unknown key "plugn"\n  hint: did you mean "plugin"? valid keys here: plugin, config, enabled\n`,
      );
    },
    SLOW,
  );
});
