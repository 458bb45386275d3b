import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { base } from '../test/base-artifact.js';
import type { ArtifactContractError } from './errors.js';
import { parseNotificationTargets, parseStrategyPluginMounts } from './mount-config.js';
import { type SignalWatcher, type WatchSnapshot, watchSignals } from './signal-watch.js';

let dir: string;
let watcher: SignalWatcher | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keel-watch-'));
});
afterEach(async () => {
  watcher?.close();
  watcher = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Collects callbacks and lets a test wait for the next one matching a predicate. */
function recorder() {
  const snapshots: WatchSnapshot[] = [];
  const errors: ArtifactContractError[] = [];
  let waiters: { test: () => boolean; resolve: () => void }[] = [];
  const poke = () => {
    waiters = waiters.filter((w) => {
      if (!w.test()) return true;
      w.resolve();
      return false;
    });
  };
  return {
    snapshots,
    errors,
    onSignals: (s: WatchSnapshot) => {
      snapshots.push(s);
      poke();
    },
    onError: (e: ArtifactContractError) => {
      errors.push(e);
      poke();
    },
    until: (test: () => boolean) =>
      new Promise<void>((resolve, reject) => {
        if (test()) return resolve();
        const timer = setTimeout(() => reject(new Error('timed out waiting for the watcher')), 10_000);
        waiters.push({
          test,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
  };
}

describe('watchSignals', () => {
  it('loads, reloads on change, and keeps the last good signal (stale) on a bad artifact', async () => {
    const path = join(dir, 'latest_signal.json');
    await writeFile(path, JSON.stringify(base({ as_of: '2026-01-01' })));
    const mounts = parseStrategyPluginMounts([
      { strategy: 'tqqq_growth_income', plugin: 'crisis_response_shadow', signal_path: path },
    ]);
    const rec = recorder();
    watcher = watchSignals(mounts, { onSignals: rec.onSignals, onError: rec.onError, debounceMs: 30 });
    await watcher.ready;
    expect(rec.snapshots).toHaveLength(1);
    expect(rec.snapshots[0]!.signals.map((s) => s.asOf)).toEqual(['2026-01-01']);

    // Producers replace artifacts atomically; the directory watch must survive that.
    const tmp = join(dir, 'next.tmp');
    await writeFile(tmp, JSON.stringify(base({ as_of: '2026-01-02' })));
    await rename(tmp, path);
    await rec.until(() => rec.snapshots.at(-1)?.signals[0]?.asOf === '2026-01-02');
    expect(rec.snapshots.at(-1)!.entries[0]).toMatchObject({ stale: false, error: null, mountIndex: 0 });

    // Replaced atomically too: an in-place write can be read half-done by a reload on a busy
    // machine, which would report a parse error before the mode error this step is about.
    await writeFile(tmp, JSON.stringify(base({ mode: 'live' })));
    await rename(tmp, path);
    await rec.until(() => rec.errors.length > 0 && rec.snapshots.at(-1)?.entries[0]?.stale === true);
    const last = rec.snapshots.at(-1)!;
    expect(rec.errors[0]!.code).toBe('UNSUPPORTED_MODE');
    expect(rec.errors[0]!.mountIndex).toBe(0);
    expect(rec.errors[0]!.message.startsWith('mount #0 (tqqq_growth_income/crisis_response_shadow): ')).toBe(
      true,
    );
    expect(last.entries[0]!.error!.code).toBe('UNSUPPORTED_MODE');
    expect(last.signals.map((s) => s.asOf)).toEqual(['2026-01-02']);

    // An in-place write: a reload may catch it half-written (an error, still stale); the wait is for
    // the reload that reads it whole.
    await writeFile(path, JSON.stringify(base({ as_of: '2026-01-03' })));
    await rec.until(() => rec.snapshots.at(-1)?.entries[0]?.stale === false);
    expect(watcher.snapshot().signals.map((s) => s.asOf)).toEqual(['2026-01-03']);
  });

  it('reports a missing first artifact with no signal, then picks it up when it appears', async () => {
    const path = join(dir, 'nt.json');
    const targets = parseNotificationTargets([
      {
        notification_target: 'market_regime_notification',
        plugin: 'market_regime_control',
        signal_path: path,
      },
    ]);
    const rec = recorder();
    watcher = watchSignals(targets, { onSignals: rec.onSignals, onError: rec.onError, debounceMs: 30 });
    await watcher.ready;
    expect(rec.errors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect(rec.snapshots[0]!.entries[0]).toMatchObject({ signal: null, stale: true });
    await writeFile(
      path,
      JSON.stringify({
        ...base({ plugin: 'market_regime_control', schema_version: 'market_regime_control.v1' }),
        strategy: undefined,
        notification_target: 'market_regime_notification',
      }),
    );
    await rec.until(() => rec.snapshots.at(-1)?.signals.length === 1);
    expect(rec.snapshots.at(-1)!.signals[0]!.targetType).toBe('notification_target');
  });

  it('ignores disabled mounts and unrelated files; refresh() reloads on demand; close() stops', async () => {
    const path = join(dir, 'a.json');
    await writeFile(path, JSON.stringify(base()));
    const mounts = parseStrategyPluginMounts([
      {
        strategy: 'tqqq_growth_income',
        plugin: 'taco_rebound_shadow',
        signal_path: join(dir, 'nope.json'),
        enabled: false,
      },
      { strategy: 'tqqq_growth_income', plugin: 'crisis_response_shadow', signal_path: path },
    ]);
    const rec = recorder();
    watcher = watchSignals(mounts, { onSignals: rec.onSignals, onError: rec.onError, debounceMs: 30 });
    await watcher.ready;
    expect(rec.snapshots[0]!.entries.map((e) => e.mountIndex)).toEqual([1]);
    await watcher.refresh();
    expect(rec.snapshots).toHaveLength(2);
    watcher.close();
    await writeFile(path, JSON.stringify(base({ as_of: '2030-01-01' })));
    // Longer than the 30 ms debounce: a watcher still open would have reloaded by then. (A slow
    // machine can only make this check miss a late reload, never fail a correct watcher.)
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(rec.snapshots).toHaveLength(2);
    expect(rec.errors).toEqual([]);
  });
});
