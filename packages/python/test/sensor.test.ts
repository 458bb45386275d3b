import { spawnSync } from 'node:child_process';
import type { SensorReading } from '@keel/contract';
import { createTestHost } from '@keel/testing';
import { afterEach, expect, it } from 'vitest';
import { SHIMS_DIR } from '../src/runtime-paths.ts';
import { pythonPlugin } from '../src/index.ts';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.ts';
import { firstBars } from './support/bars.ts';
import { describeWithPandas, fixture, pandasPython, pluginPids } from './support/python.ts';

// The plain loop builds a DataFrame from dict rows per bar (~2-7 ms on a loaded 2-core machine), so
// the comparison runs on the first 3000 bars of SPY_5m.csv (about five weeks of sessions).
const BARS = 3000;
const ATR = fixture('plugins', 'atr_momentum.py');

const hosts: { dispose(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.dispose()));
});

function plainLoop(python: string, count: number): unknown[] {
  const out = spawnSync(
    python,
    [
      fixture('plain_loop.py'),
      sharedDataPath('SPY_5m.csv'),
      ATR,
      'ATRMomentumPlugin',
      String(count),
      '1',
      'readings',
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, KEEL_SHIMS: SHIMS_DIR },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 600_000,
    },
  );
  if (out.status !== 0) throw new Error(`plain loop failed: ${out.stderr}`);
  return out.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
}

describeWithSharedData('SMK sensor over SPY_5m.csv', () => {
  describeWithPandas('ATR momentum (reads df["close"].values)', () => {
    it(`gives the readings of the same class in a plain Python loop, bar for bar (${BARS} bars)`, async () => {
      const python = pandasPython();
      const bars = await firstBars('SPY_5m.csv', BARS);
      const host = createTestHost();
      hosts.push(host);
      const loaded = await host.load([pythonPlugin({ file: ATR, className: 'ATRMomentumPlugin', python })]);
      expect(loaded.errors).toEqual([]);
      expect(loaded.loaded[0]).toMatchObject({ id: 'atr-momentum', name: 'ATR Momentum', layer: 'L2' });
      expect(host.plugins()[0]).toMatchObject({ sensorId: 'p07', warmup: { needed: 20 } });
      const keel: SensorReading[] = [];
      await host.replay(bars, { onStep: (s) => keel.push(s.plugins['atr-momentum'] as SensorReading) });
      const plain = plainLoop(python, BARS);
      expect(plain).toHaveLength(BARS);
      expect(keel).toHaveLength(BARS);
      const first = keel.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(plain[i]));
      expect(first === -1 ? 'identical' : { bar: first, keel: keel[first], plain: plain[first] }).toBe(
        'identical',
      );
      // Warm-up as the class declares it, then real readings with the full 60-row window.
      expect(keel[18]?.status).toBe('WARMUP');
      expect(keel[19]?.status).not.toBe('WARMUP');
      expect(keel[100]).toMatchObject({ rows: 60 });
      expect(keel.some((r) => r.active)).toBe(true);
      expect(host.plugins()[0]?.stats.errors).toBe(0);
    }, 600_000);

    it('replays deterministically, and a restarted replay re-sends the window (reset)', async () => {
      const python = pandasPython();
      const bars = await firstBars('SPY_5m.csv', 400);
      const host = createTestHost();
      hosts.push(host);
      await host.load([pythonPlugin({ file: ATR, className: 'ATRMomentumPlugin', python })]);
      const run = async (): Promise<string> => {
        const out: SensorReading[] = [];
        await host.replay(bars, { onStep: (s) => out.push(s.plugins['atr-momentum'] as SensorReading) });
        return JSON.stringify(out);
      };
      const a = await run();
      const b = await run();
      expect(b).toBe(a);
    });

    it("process: 'shared' runs several sensors in one process with the same readings as their own processes", async () => {
      const python = pandasPython();
      const bars = await firstBars('SPY_5m.csv', 300);
      const run = async (mode: 'own' | 'shared'): Promise<{ readings: string; pids: number }> => {
        const host = createTestHost();
        hosts.push(host);
        const before = new Set(pluginPids());
        await host.load(
          ['a', 'b', 'c'].map((suffix) =>
            pythonPlugin({
              file: ATR,
              className: 'ATRMomentumPlugin',
              python,
              id: `atr-${suffix}`,
              process: mode,
            }),
          ),
        );
        const pids = pluginPids().filter((p) => !before.has(p)).length;
        const out: unknown[] = [];
        await host.replay(bars, { onStep: (s) => out.push(s.plugins) });
        await host.dispose();
        return { readings: JSON.stringify(out), pids };
      };
      const own = await run('own');
      const shared = await run('shared');
      expect(own.pids).toBe(3);
      expect(shared.pids).toBe(1);
      expect(shared.readings).toBe(own.readings);
    }, 300_000);

    it('live steps send one bar each and keep the window in the child', async () => {
      const python = pandasPython();
      const bars = await firstBars('SPY_5m.csv', 80);
      const replayed = createTestHost();
      const live = createTestHost();
      hosts.push(replayed, live);
      await replayed.load([pythonPlugin({ file: ATR, className: 'ATRMomentumPlugin', python })]);
      await live.load([pythonPlugin({ file: ATR, className: 'ATRMomentumPlugin', python })]);
      const a: unknown[] = [];
      await replayed.replay(bars, { onStep: (s) => a.push(s.plugins['atr-momentum']) });
      const b: unknown[] = [];
      for (const bar of bars) {
        const out = await live.step(bar);
        if (out.kind === 'step') b.push(out.plugins['atr-momentum']);
      }
      expect(b).toEqual(a);
    });
  });
});
