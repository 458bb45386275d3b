import { readCsvBars } from '@keel/host';
import { beforeAll, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.js';
import { type BacktestResult, backtestCone } from './backtest-cone.js';
import { DEFAULT_MODEL_OPTIONS } from './cone-model.js';
import { MODEL_NAMES } from './model-forecast.js';

const STEPS = [1, 5, 20];

describeWithSharedData('calibration on SPY daily closes (rolling origins)', () => {
  const results: BacktestResult[] = [];
  let days = 0;

  beforeAll(async () => {
    const closes: number[] = [];
    for await (const bar of readCsvBars(sharedDataPath('SPY_1d.csv'))) closes.push(bar.close);
    days = closes.length;
    // Each origin sees at most the 500 closes up to it; GARCH is refit every 20 origins.
    for (const model of MODEL_NAMES) results.push(backtestCone(closes, { model, steps: STEPS }));
    const rows = results.flatMap((r) =>
      r.steps.map((s) => ({
        model: r.model,
        horizon: s.step,
        origins: s.scored,
        'coverage raw': s.coverageRaw.toFixed(3),
        'coverage recal': s.coverage.toFixed(3),
        'pinball raw %': s.pinballRaw.toFixed(4),
        'pinball recal %': s.pinball.toFixed(4),
      })),
    );
    console.log(
      `SPY_1d: ${days} closes; p10–p90 coverage (target 0.80) and mean p10/p50/p90 pinball loss in log-return %;` +
        ` GARCH refit every ${DEFAULT_MODEL_OPTIONS.garch.refitEvery} origins`,
    );
    console.table(rows);
  });

  it('scores at least 2,000 rolling origins at every horizon', () => {
    for (const r of results) for (const s of r.steps) expect(s.scored).toBeGreaterThanOrEqual(2000);
  });

  it('keeps the default model (EWMA) within 0.80 ± 0.04 at horizons 1, 5 and 20 after recalibration', () => {
    const ewma = results.find((r) => r.model === 'ewma')!;
    for (const s of ewma.steps) expect(Math.abs(s.coverage - 0.8)).toBeLessThanOrEqual(0.04);
  });

  it('keeps GARCH and the block bootstrap within 0.80 ± 0.04 too', () => {
    for (const r of results.filter((x) => x.model !== 'ewma')) {
      for (const s of r.steps) expect(Math.abs(s.coverage - 0.8)).toBeLessThanOrEqual(0.04);
    }
  });

  it('has pinball losses that grow with the horizon, as the spread does', () => {
    for (const r of results) {
      const [h1, h5, h20] = r.steps.map((s) => s.pinball) as [number, number, number];
      expect(h1).toBeGreaterThan(0);
      expect(h5).toBeGreaterThan(h1);
      expect(h20).toBeGreaterThan(h5);
    }
  });
});
