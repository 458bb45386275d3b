import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeel } from '../test/run-keel.js';
import { appDir } from '../test/server-fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-serve-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Child processes (tsx start-up, a host, plugins and a replay): generous limits, so a slow, busy
// machine is not mistaken for a server that never starts.
describe('keel serve', { timeout: 120_000 }, () => {
  it('prints the URL, serves, and closes cleanly on SIGTERM', async () => {
    const base = JSON.parse(await readFile(path.join(appDir, 'keel.config.json'), 'utf8'));
    const config = {
      ...base,
      data: { ...base.data, sessions: 2 },
      cache: { path: path.join(dir, 'cache.sqlite') },
      artifacts: {
        ...base.artifacts,
        // The config sits in a temp folder; the artifacts stay in the app's sample folder.
        roots: [path.join(appDir, 'sample')],
        mounts: {
          strategy_plugins: base.artifacts.mounts.strategy_plugins.map(
            (m: { latest_signal_path: string }) => ({
              ...m,
              latest_signal_path: path.join(appDir, m.latest_signal_path),
            }),
          ),
        },
      },
      notify: { ...base.notify, channels: 'file', markers: { path: path.join(dir, 'markers.sqlite') } },
    };
    const file = path.join(dir, 'keel.config.json');
    await writeFile(file, JSON.stringify(config));

    const child = spawn(
      process.execPath,
      [
        '--conditions=@keel/source',
        '--import',
        'tsx',
        'src/cli.ts',
        'serve',
        '--config',
        file,
        '--port',
        '0',
        '--speed',
        '0',
      ],
      { cwd: appDir, env: { ...process.env, KEEL_ALERT_FILE: path.join(dir, 'alerts.jsonl') } },
    );
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed\n${stdout}\n${stderr}`)), 60_000);
        child.stdout.on('data', () => {
          const match = /Keel dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout);
          if (match?.[1] !== undefined) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const health = (await (await fetch(`${url}/api/health`)).json()) as { ok: boolean; plugins: number };
      expect(health).toMatchObject({ ok: true, plugins: base.plugins.length });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain('SIGTERM: closing the server');
    expect(stdout).toContain('Server closed, host disposed.');
  });

  it('lists serve in the usage text, and its own options in serve --help', async () => {
    const usage = await runKeel(['help']);
    expect(usage.code).toBe(0);
    expect(usage.stdout).toMatch(/serve\s+HTTP \+ WebSocket server and browser dashboard/);
    const help = await runKeel(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--speed <bars\/s>\s+replay speed in bars per second/);
    expect(help.stdout).toMatch(/default: 500\n/);
    expect(help.stdout).toContain('default: 8080');
  }, 60_000);
});
