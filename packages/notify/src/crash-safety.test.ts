import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeAlerts } from '../test/loopback.js';
import { dispatchAlerts } from './dispatch.js';
import { createFileMarkerStore } from './file-marker-store.js';
import { createFilePublisher } from './file-publisher.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');
const child = path.resolve(here, '..', 'test', 'fixtures', 'dispatch-child.ts');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-notify-kill9-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function listJson(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => path.join(e.parentPath, e.name));
}

async function sentKeys(file: string): Promise<string[]> {
  if (!existsSync(file)) return [];
  const text = await readFile(file, 'utf8');
  // A kill can cut the last line short; only complete lines are sends the publisher reported.
  return text
    .split('\n')
    .slice(0, -1)
    .map((l) => (JSON.parse(l) as { alert_key: string }).alert_key);
}

describe('file marker store under kill -9', () => {
  it('leaves only complete markers, and a new dispatch sends the rest without repeating marked alerts', async () => {
    const markerDir = path.join(dir, 'markers');
    const sentLog = path.join(dir, 'sent.jsonl');
    const total = 400;
    const proc = spawn(
      process.execPath,
      ['--conditions=@keel/source', '--import', 'tsx', child, markerDir, sentLog, String(total)],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    proc.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      proc.on('exit', (code, signal) => resolve(signal ?? code)),
    );
    // Kill once a good part, but not all, of the alerts went out.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const sent = (await sentKeys(sentLog)).length;
      if (sent >= 40 || proc.exitCode !== null || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(proc.exitCode, stderr).toBeNull();
    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const sentByChild = await sentKeys(sentLog);
    expect(sentByChild.length).toBeGreaterThanOrEqual(40);
    expect(sentByChild.length).toBeLessThan(total);

    // Every marker file that exists is complete, parseable JSON of the §19.4 shape.
    const files = await listJson(markerDir);
    const marked = new Set<string>();
    for (const file of files) {
      const doc = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      expect(Object.keys(doc)).toEqual(['alert_key', 'metadata', 'recorded_at', 'schema_version']);
      expect(doc.schema_version).toBe('strategy_plugin_file_alert_marker.v1');
      marked.add(doc.alert_key as string);
    }
    // A marker exists only for alerts that were sent; at most the one in flight was sent without one.
    for (const key of marked) expect(sentByChild).toContain(key);
    const sentUnmarked = sentByChild.filter((k) => !marked.has(k));
    expect(sentUnmarked.length).toBeLessThanOrEqual(1);

    // Restart: a new dispatch completes the rest.
    const alerts = makeAlerts(total);
    const result = await dispatchAlerts(alerts, {
      publishers: [createFilePublisher({ path: sentLog })],
      markers: createFileMarkerStore({ path: markerDir }),
    });
    expect(result.failed).toEqual([]);
    expect(result.skipped.every((r) => r.reason === 'duplicate_alert')).toBe(true);
    expect(result.skipped.length).toBe(marked.size);

    const allSends = await sentKeys(sentLog);
    const counts = new Map<string, number>();
    for (const k of allSends) counts.set(k, (counts.get(k) ?? 0) + 1);
    expect(new Set(allSends)).toEqual(new Set(alerts.map((a) => a.alertKey)));
    const repeated = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
    // Only an alert sent but not yet marked at the moment of the kill can go out twice.
    expect(repeated).toEqual(sentUnmarked);
    for (const key of marked) expect(counts.get(key)).toBe(1);
  }, 90_000);
});
