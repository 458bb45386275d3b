import type { SensorReading } from '@keel/contract';
import { createLogger, type LogRecord, type PluginEntry } from '@keel/host';
import { createTestHost } from '@keel/testing';
import { expect, it } from 'vitest';
import { pythonPlugin } from '../src/index.ts';
import { describeWithSharedData } from '../../../test-support/shared-data.ts';
import { firstBars } from './support/bars.ts';
import { childPids, describeWithPandas, fixture, pandasPython } from './support/python.ts';

// 240 five-minute bars: three sessions, so the @open job is due twice after the first bar.
const BARS = 240;

const statusesOf = (readings: SensorReading[]): Set<string> =>
  new Set(readings.map((r) => (r.status.startsWith('ERROR: ') ? 'ERROR' : r.status)));

describeWithSharedData('adversarial Python plugins', () => {
  describeWithPandas('beside a healthy one', () => {
    it('keep the host stepping; each gets its host-made reading or load error; no process outlives dispose', async () => {
      const python = pandasPython();
      const bars = await firstBars('SPY_5m.csv', BARS);
      const before = new Set(childPids());
      const healthy = (): PluginEntry =>
        pythonPlugin({
          file: fixture('plugins', 'atr_momentum.py'),
          className: 'ATRMomentumPlugin',
          python,
          budget: { timeoutMs: 60_000 },
        });
      const bad = (file: string, className: string, budget: Record<string, number> = {}): PluginEntry =>
        pythonPlugin({
          file: fixture('bad', file),
          className,
          python,
          budget: { timeoutMs: 60_000, ...budget },
        });

      // The healthy plugin alone, for comparison.
      const soloHost = createTestHost();
      await soloHost.load([healthy()]);
      const solo: SensorReading[] = [];
      await soloHost.replay(bars, { onStep: (s) => solo.push(s.plugins['atr-momentum'] as SensorReading) });
      await soloHost.dispose();

      const logs: LogRecord[] = [];
      const host = createTestHost({
        services: { logger: createLogger({ level: 'info', sink: (_line, record) => logs.push(record) }) },
      });
      const result = await host.load([
        healthy(),
        bad('hang.py', 'HangPlugin', { timeoutMs: 1500 }),
        bad('exits.py', 'SysExitPlugin'),
        bad('exits.py', 'OsExitPlugin'),
        bad('exits.py', 'SegfaultPlugin'),
        bad('memory_hog.py', 'MemoryHogPlugin', { memMb: 200 }),
        bad('print_spam.py', 'PrintSpamPlugin'),
        bad('readings.py', 'NumpyReadingPlugin'),
        bad('readings.py', 'NanReadingPlugin'),
        bad('readings.py', 'BigExtraPlugin'),
        bad('import_error.py', 'ImportErrorPlugin'),
        bad('syntax_error.py', 'SyntaxErrorPlugin'),
        bad('not_a_plugin.py', 'Helper'),
        pythonPlugin({ file: fixture('bad', 'never_await.py'), className: 'NeverReturns', python }),
      ]);
      expect(result.loaded.map((p) => p.id)).toEqual([
        'atr-momentum',
        'hang',
        'sys-exit',
        'os-exit',
        'segfault',
        'memory-hog',
        'print-spam',
        'numpy-reading',
        'nan-reading',
        'big-extra',
        'never-returns',
      ]);
      const errors = result.errors.map((e) => ({ entry: e.entry, phase: e.phase, message: e.message }));
      expect(errors).toEqual([
        {
          entry: 10,
          phase: 'import',
          message: expect.stringContaining("No module named 'definitely_not_an_installed_module'"),
        },
        {
          entry: 11,
          phase: 'import',
          message: expect.stringMatching(/SyntaxError in syntax_error\.py line 7/),
        },
        { entry: 12, phase: 'import', message: expect.stringContaining('is not one of the Python dialects') },
      ]);
      expect(result.errors[1]?.hint).toContain('fix the syntax error');

      const readings = new Map<string, SensorReading[]>();
      let steps = 0;
      await host.replay(bars, {
        onStep: (s) => {
          steps++;
          for (const [id, r] of Object.entries(s.plugins)) {
            if (!readings.has(id)) readings.set(id, []);
            readings.get(id)?.push(r);
          }
        },
      });
      expect(steps).toBe(BARS);
      const of = (id: string): SensorReading[] => readings.get(id) ?? [];

      // The healthy plugin never noticed.
      expect(of('atr-momentum')).toEqual(solo);

      // The first call after the warm-up (bar 20) shows each failure as the host reports it.
      const first = (id: string): string => of(id)[19]?.status ?? '';
      expect(first('hang')).toBe('TIMEOUT');
      expect(first('sys-exit')).toMatch(/^ERROR: .*python exited with code 3/);
      expect(first('os-exit')).toMatch(/^ERROR: .*python exited with code 1/);
      expect(first('segfault')).toMatch(/^ERROR: .*killed by SIGSEGV \(segmentation fault\)/);
      expect(first('nan-reading')).toBe('ERROR: contract: extras.atr is NaN');
      expect(first('big-extra')).toMatch(/^ERROR: .*over the 1048576-byte cap/);
      expect(of('memory-hog').some((r) => /^ERROR: .*MemoryError/.test(r.status))).toBe(true);
      for (const id of ['hang'])
        expect(statusesOf(of(id))).toEqual(new Set(['WARMUP', 'TIMEOUT', 'QUARANTINED']));
      for (const id of ['sys-exit', 'os-exit', 'segfault', 'nan-reading', 'big-extra']) {
        expect(statusesOf(of(id))).toEqual(new Set(['WARMUP', 'ERROR', 'QUARANTINED']));
      }
      // Failing plugins were restarted and benched by the host's policy, not stepped on every bar.
      const info = new Map(host.plugins().map((p) => [p.id, p]));
      expect(info.get('sys-exit')?.stats.quarantines).toBeGreaterThan(0);
      expect(info.get('hang')?.stats.timeouts).toBeGreaterThan(0);

      // numpy values arrive as plain JSON values.
      expect(of('numpy-reading')[19]).toEqual({
        active: expect.any(Boolean),
        score: 0.25,
        status: 'numpy',
        bars: 20,
        last3: [bars[17]?.close, bars[18]?.close, bars[19]?.close],
        mean: 1.5,
        flags: [true, 2],
      });

      // 10 MB of print: every reading good, the log bounded, the drop counted.
      expect(statusesOf(of('print-spam'))).toEqual(new Set(['WARMUP', 'printed']));
      const spam = logs.filter((r) => r.fields.plugin === 'print-spam');
      expect(spam.filter((r) => r.msg === 'python output').length).toBeLessThanOrEqual(400);
      const dropped = spam.find((r) => r.msg === 'python output dropped');
      expect(dropped?.fields.lines as number).toBeGreaterThan(90_000);

      // The never-returning await: each due @open run fails on its budget, the host carries on.
      const runs = host.runs({ plugin: 'never-returns' });
      expect(runs.length).toBeGreaterThan(0);
      for (const run of runs) {
        expect(run.success).toBe(false);
        expect(run.error).toMatch(/timeout|budget|exceeded/i);
      }

      await host.dispose();
      const leftover = childPids().filter((pid) => !before.has(pid));
      expect(leftover).toEqual([]);
    }, 600_000);
  });
});
