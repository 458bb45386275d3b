import { expectPluginContract } from '@keel/testing';
import { expect, it } from 'vitest';
import { pythonPlugin } from '../src/index.ts';
import { describeWithPandas, fixture, pandasPython } from './support/python.ts';

describeWithPandas("@keel/testing's contract check on Python plugins", () => {
  it('passes for an SMK sensor (warm-up, readings, determinism, reset, no look-ahead, fresh state per host)', async () => {
    const entry = pythonPlugin({
      file: fixture('plugins', 'plain_counter.py'),
      className: 'UpCloseCounter',
      python: pandasPython(),
    });
    const report = await expectPluginContract(entry.plugin as never, { count: 200 });
    expect(report.ok).toBe(true);
    expect(report.plugin).toBe('up-close-counter');
  }, 300_000);

  it('passes for the ATR momentum sensor', async () => {
    const entry = pythonPlugin({
      file: fixture('plugins', 'atr_momentum.py'),
      className: 'ATRMomentumPlugin',
      python: pandasPython(),
    });
    await expect(expectPluginContract(entry.plugin as never, { count: 200 })).resolves.toMatchObject({
      ok: true,
    });
  }, 300_000);
});
