import { type Bar, parsePluginConfig, parsePluginManifest } from '@keel/contract';
import { joinAux, readCsvBars } from '@keel/host';
import { barsFrom, expectPluginContract, runPlugin } from '@keel/testing';
import { mean, standardDeviation } from 'simple-statistics';
import ti from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.ts';
import { spyDailyWithVix } from '../../../test-support/spy-daily-with-vix.ts';
import { meanReversion } from './mean-reversion.js';

const flat = (closes: number[]): Bar[] => barsFrom(closes.map((c) => [c, c, c, c] as const));

describe('mean-reversion', () => {
  it('honours the plugin contract on generated bars', async () => {
    await expectPluginContract(meanReversion);
    await expectPluginContract(meanReversion, { config: { period: 5, band: 1 } });
  });

  it('validates its config', () => {
    expect(parsePluginManifest(meanReversion).ok).toBe(true);
    expect(parsePluginConfig(meanReversion, undefined)).toEqual({
      ok: true,
      config: { period: 20, band: 2 },
    });
    expect(parsePluginConfig(meanReversion, { period: 1 }).ok).toBe(false);
    expect(parsePluginConfig(meanReversion, { band: 0 }).ok).toBe(false);
  });

  it('scores one outlier among n closes at z = √(n − 1) (closed form)', async () => {
    const up = (await runPlugin(meanReversion, flat([...Array(19).fill(100), 110]))).readings.at(-1)!;
    expect(up.z).toBeCloseTo(Math.sqrt(19), 12);
    expect(up.sma).toBeCloseTo(100.5, 12);
    expect(up).toMatchObject({ active: true, signal: 'short', score: 1 });
    const down = (await runPlugin(meanReversion, flat([...Array(19).fill(100), 90]))).readings.at(-1)!;
    expect(down.z).toBeCloseTo(-Math.sqrt(19), 12);
    expect(down.signal).toBe('long');
    // √(n−1) with n = 5 is 2 (mean 2, σ 2, all exact in binary): exactly on the band counts as a signal.
    const edge = (
      await runPlugin(meanReversion, flat([...Array(15).fill(9), 1, 1, 1, 1, 6]), { config: { period: 5 } })
    ).readings.at(-1)!;
    expect(edge.z).toBe(2);
    expect(edge).toMatchObject({ signal: 'short', score: 0.5 });
  });

  it('reads a flat window as z = 0, not a division by zero', async () => {
    const r = (await runPlugin(meanReversion, flat(Array(25).fill(50)))).readings.at(-1)!;
    expect(r).toMatchObject({ active: false, score: 0, z: 0, sigma: 0, signal: 'none' });
  });
});

describeWithSharedData('mean-reversion on SPY daily bars', () => {
  it('honours the contract with VIX as aux', async () => {
    const bars = await spyDailyWithVix({ joinAux, readCsvBars });
    await expectPluginContract(meanReversion, { bars });
  });

  it('matches technicalindicators’ Bollinger Bands and simple-statistics on every bar', async () => {
    const bars: Bar[] = [];
    for await (const b of readCsvBars(sharedDataPath('SPY_1d.csv'))) bars.push(b);
    const closes = bars.map((b) => b.close);
    const { readings } = await runPlugin(meanReversion, bars);
    const bb = ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: closes });
    expect(bb).toHaveLength(bars.length - 19);
    let signals = 0;
    let expectedSignals = 0;
    for (let i = 19; i < bars.length; i++) {
      const r = readings[i]!;
      const band = bb[i - 19]!;
      const sigma = (band.upper - band.middle) / 2;
      const z = (closes[i]! - band.middle) / sigma;
      expect(r.sma as number).toBeCloseTo(band.middle, 8);
      expect(r.upper as number).toBeCloseTo(band.upper, 8);
      expect(r.lower as number).toBeCloseTo(band.lower, 8);
      expect(Math.abs((r.z as number) - z)).toBeLessThan(1e-8);
      // A second, unrelated library for the deviation.
      const slice = closes.slice(i - 19, i + 1);
      expect(r.sigma as number).toBeCloseTo(standardDeviation(slice), 10);
      expect(r.sma as number).toBeCloseTo(mean(slice), 10);
      if (closes[i]! >= band.upper || closes[i]! <= band.lower) expectedSignals++;
      if (r.active) signals++;
      expect(r.signal).toBe(z >= 2 ? 'short' : z <= -2 ? 'long' : 'none');
    }
    expect(signals).toBe(expectedSignals);
    // SPY closes outside its 2σ bands on roughly 5–15% of days.
    expect(signals / (bars.length - 19)).toBeGreaterThan(0.03);
    expect(signals / (bars.length - 19)).toBeLessThan(0.2);
  });
});
