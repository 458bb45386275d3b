import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Bar, BusEvent, JsonValue } from '@keel/contract';
import { createLogger, type LogRecord } from '@keel/host';
import { createTestHost } from '@keel/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pythonPlugin } from '../src/index.ts';
import { describeWithSharedData } from '../../../test-support/shared-data.ts';
import { firstBars } from './support/bars.ts';
import { describeWithPandas, fixture, pandasPython } from './support/python.ts';

// Independent reference values (sample standard deviation, simple returns).
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sampleStd = (xs: number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};
const close = (n: number, x: number): boolean => Math.abs(n - x) <= 1e-9 * Math.max(1, Math.abs(x));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'keel-python-jobs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWithSharedData('OptiFIRE scheduled plugins', () => {
  describeWithPandas('mean reversion @open and volatility scaling @close', () => {
    it('run on bar time with DataFeed bars up to the due time, a real SQLite db and a shared context.data', async () => {
      const python = pandasPython();
      const bars = await firstBars('SPY_5m.csv', 400);
      const logs: LogRecord[] = [];
      const host = createTestHost({
        services: { logger: createLogger({ level: 'debug', sink: (_line, record) => logs.push(record) }) },
      });
      const events: BusEvent[] = [];
      host.bus.on('mr_signal', (e) => {
        events.push(e);
      });
      const result = await host.load([
        pythonPlugin({
          file: fixture('optifire', 'mean_reversion.py'),
          className: 'MeanReversionPlugin',
          python,
          dataDir: dir,
          config: { symbol: 'SPY' },
        }),
        pythonPlugin({
          file: fixture('optifire', 'vol_scaling.py'),
          className: 'VolatilityScaling',
          python,
          dataDir: dir,
          config: { target_vol: 0.15 },
        }),
      ]);
      expect(result.errors).toEqual([]);
      expect(result.loaded.map((p) => p.id)).toEqual(['mean-reversion', 'vol-scaling']);
      expect(host.nextRuns().map((r) => `${r.plugin} ${r.job}`)).toEqual(
        expect.arrayContaining([
          'mean-reversion @open',
          'mean-reversion on:market_open',
          'vol-scaling @close',
        ]),
      );
      await host.replay(bars);

      const opens = host.runs({ plugin: 'mean-reversion', job: '@open' });
      expect(opens.length).toBeGreaterThanOrEqual(5);
      // Due at the very first bar, before it is processed: no bar exists yet, and none is invented.
      expect(opens[0]).toMatchObject({ success: false, error: 'only 0 bars' });
      for (const run of opens.slice(1)) {
        expect(run.error).toBeUndefined();
        expect(run.success).toBe(true);
        const data = run.data as {
          zscore: number;
          last_bar: string;
          first_bar: string;
          bars: number;
          signal: string;
        };
        const last = Date.parse(data.last_bar);
        // Never a bar after the job's due time, and nothing between the last bar it saw and the due time.
        expect(last).toBeLessThanOrEqual(run.scheduledAt);
        expect(bars.filter((b) => b.time > last && b.time < run.scheduledAt)).toEqual([]);
        const end = bars.findIndex((b) => b.time === last);
        expect(end).toBeGreaterThanOrEqual(49);
        const window = bars.slice(end - 49, end + 1).map((b) => b.close);
        expect(data.bars).toBe(50);
        expect(Date.parse(data.first_bar)).toBe((bars[end - 49] as Bar).time);
        const last20 = window.slice(-20);
        const z = ((window.at(-1) as number) - mean(last20)) / sampleStd(last20);
        expect(close(data.zscore, z)).toBe(true);
      }
      // The host publishes market_open at each open, so the trigger job ran beside @open.
      const succeeded = host.runs({ plugin: 'mean-reversion' }).filter((r) => r.success);
      expect(host.runs({ plugin: 'mean-reversion', job: 'on:market_open' }).length).toBe(opens.length);
      expect(events.length).toBe(succeeded.length);
      expect(events[0]).toMatchObject({ type: 'mr_signal', source: 'mean-reversion' });
      // optifire.core.logger records reach the host log at their level, scoped to the plugin.
      const info = logs.filter((r) => r.fields.plugin === 'mean-reversion' && r.level === 'info');
      expect(info.some((r) => /^mean reversion SPY: z=-?\d+\.\d\d (BUY|SELL|HOLD)$/.test(r.msg))).toBe(true);

      const closes = host.runs({ plugin: 'vol-scaling', job: '@close' });
      expect(closes.length).toBeGreaterThanOrEqual(4);
      for (const [i, run] of closes.entries()) {
        expect(run.success).toBe(true);
        const data = run.data as {
          vol: number;
          scale: number;
          last_bar: string;
          mr_signal: JsonValue;
          bars: number;
        };
        const last = Date.parse(data.last_bar);
        expect(last).toBeLessThanOrEqual(run.scheduledAt);
        const end = bars.findIndex((b) => b.time === last);
        const window = bars.slice(Math.max(0, end - 99), end + 1).map((b) => b.close);
        expect(data.bars).toBe(window.length);
        const returns = window.slice(1).map((c, i) => c / (window[i] as number) - 1);
        const vol = sampleStd(returns.slice(-20)) * Math.sqrt(252);
        expect(close(data.vol, vol)).toBe(true);
        expect(close(data.scale, Math.min(2, 0.15 / vol))).toBe(true);
        // context.data is shared: from the second session on, the @open signal is visible here.
        if (i === 0) expect(data.mr_signal).toBeNull();
        else expect(data.mr_signal).toMatchObject({ symbol: 'SPY', signal: expect.any(String) });
      }

      await host.dispose();

      // context.db is a real SQLite file per plugin with the features table from the start.
      const db = path.join(dir, 'mean-reversion.sqlite');
      expect(existsSync(db)).toBe(true);
      const count = spawnSync(
        python,
        [
          '-c',
          `import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from features where feature_name='mr_zscore'").fetchone()[0])`,
          db,
        ],
        { encoding: 'utf8' },
      );
      expect(Number(count.stdout.trim())).toBe(succeeded.length);
      expect(existsSync(path.join(dir, 'vol-scaling.sqlite'))).toBe(true);
    }, 300_000);

    it('runs on a trigger event from the bus', async () => {
      const python = pandasPython();
      const host = createTestHost();
      await host.load([
        pythonPlugin({
          file: fixture('optifire', 'mean_reversion.py'),
          className: 'MeanReversionPlugin',
          python,
          dataDir: dir,
          id: 'mr-trigger',
        }),
      ]);
      // host.idle() can return before a run that an event delivery started has finished: wait on onRun.
      const recorded = new Promise<void>((resolve) => host.onRun(() => resolve()));
      host.bus.publish('market_open', { session: 'test' });
      await recorded;
      const runs = host.runs({ plugin: 'mr-trigger' });
      // No bars in this host yet: the job ran, and says so instead of inventing data.
      expect(runs.map((r) => [r.job, r.success, r.error])).toEqual([
        ['on:market_open', false, 'only 0 bars'],
      ]);
      await host.dispose();
    }, 120_000);

    it('a plan() dependency nothing provides is a load error naming it', async () => {
      const python = pandasPython();
      const host = createTestHost();
      const result = await host.load([
        pythonPlugin({
          file: fixture('optifire', 'vol_scaling.py'),
          className: 'VolatilityScaling',
          python,
          dataDir: dir,
        }),
      ]);
      expect(result.loaded).toEqual([]);
      expect(result.errors[0]).toMatchObject({ plugin: 'vol-scaling', phase: 'setup' });
      expect(result.errors[0]?.message).toContain('plan() dependency "mr_signal"');
      expect(result.errors[0]).toMatchObject({ code: 'PYTHON_MISSING_DEPENDENCY' });
      expect(result.errors[0]?.hint).toContain('load the plugin whose describe().outputs lists "mr_signal"');
      await host.dispose();
    }, 120_000);
  });
});
