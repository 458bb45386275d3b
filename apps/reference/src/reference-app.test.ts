import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppConfigSchema, type LoadedConfig, loadConfig } from './config.js';
import { printReplayReport, runReplay } from './run-replay.js';
import { printSignalsReport, runSignals } from './run-signals.js';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-reference-'));
});
afterEach(async () => {
  delete process.env.KEEL_ALERT_FILE;
  await rm(dir, { recursive: true, force: true });
});

async function defaultConfig(sessions: number): Promise<LoadedConfig> {
  const loaded = await loadConfig(path.join(appDir, 'keel.config.json'));
  // Alerts go to the file channel (JSON Lines) instead of the console, so the test can read them.
  process.env.KEEL_ALERT_FILE = path.join(dir, 'alerts.jsonl');
  const config = AppConfigSchema.parse({
    ...loaded.config,
    data: { ...loaded.config.data, sessions },
    cache: { path: path.join(dir, 'cache.sqlite') },
    notify: {
      ...loaded.config.notify,
      channels: 'file',
      markers: { path: path.join(dir, 'markers.sqlite') },
    },
  });
  return { ...loaded, config };
}

describe('reference app', () => {
  it('replays the embedded sample through the example plugins with a @close job per session', async () => {
    const lines: string[] = [];
    const report = await runReplay(await defaultConfig(5));
    printReplayReport(report, (l) => lines.push(l));
    expect(report.loadErrors).toEqual([]);
    expect(report.runs).toEqual({ total: 5, succeeded: 5 });
    expect(report.accepted).toBeGreaterThanOrEqual(5 * 42);
    expect(report.data.total).toBe(report.processed);
    const text = lines.join('\n');
    expect(text).toContain('atr-burst@0.1.0 (L2)');
    expect(text).toContain('Scheduled runs: 5 (5 succeeded)');
    expect(text).toContain('Active bars per session');
    expect(text).toContain('Panel session-stats');
  });

  it('loads the bundled artifacts fail-closed and de-duplicates alerts across runs', async () => {
    const config = await defaultConfig(1);
    const first: string[] = [];
    const one = await runSignals(config);
    printSignalsReport(config, one, (l) => first.push(l));
    expect(one.signals).toBe(2);
    expect(one.alerts?.sent).toBe(1);
    expect(first.join('\n')).toContain('需要通知');
    const written = (await readFile(path.join(dir, 'alerts.jsonl'), 'utf8')).trim().split('\n');
    expect(written).toHaveLength(1);
    const alert = JSON.parse(written[0]!) as { subject: string; alertKey?: string; alert_key?: string };
    expect(alert.subject).toContain('[keel / reference]');
    expect(JSON.stringify(alert)).toContain(
      'strategy_plugin_file_alert/keel-reference/tqqq_growth_income/crisis_response_shadow',
    );
    const second = await runSignals(config);
    expect(second.alerts?.sent).toBe(0);
    expect(second.alerts?.skipped.map((r) => r.reason)).toEqual(['duplicate_alert']);
    expect((await readFile(path.join(dir, 'alerts.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('rejects a bad config naming the file and field', async () => {
    const { writeFile } = await import('node:fs/promises');
    const file = path.join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ data: { sessions: 0 } }));
    await expect(loadConfig(file)).rejects.toMatchObject({ code: 'CONFIG_INVALID', field: 'data.sessions' });
    await expect(loadConfig(path.join(dir, 'missing.json'))).rejects.toMatchObject({
      code: 'CONFIG_NOT_FOUND',
    });
  });
});
