import { parsePluginConfig, parsePluginManifest } from '@keel/contract';
import { joinAux, readCsvBars } from '@keel/host';
import { barsFrom, createTestHost, expectPluginContract, runPlugin } from '@keel/testing';
import { standardDeviation } from 'simple-statistics';
import ti from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { describeWithSharedData } from '../../../test-support/shared-data.ts';
import { spyDailyWithVix } from '../../../test-support/spy-daily-with-vix.ts';
import { createFeatureEngineering, FEATURES_CACHE } from './feature-engineering.js';
import type { BarFeatures } from './features.js';

// Wilder's worked example (New Concepts in Technical Trading Systems, reproduced by StockCharts).
const WILDER_CLOSES = [
  44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28,
  46.0, 46.03, 46.41, 46.22, 45.64,
];

describe('feature-engineering', () => {
  it('honours the plugin contract, as a factory', async () => {
    await expectPluginContract(createFeatureEngineering);
    await expectPluginContract(createFeatureEngineering, { config: { rsiPeriod: 5, returnHorizon: 1 } });
  });

  it('validates its config', () => {
    const plugin = createFeatureEngineering();
    expect(parsePluginManifest(plugin).ok).toBe(true);
    expect(parsePluginConfig(plugin, {}).ok).toBe(true);
    expect(parsePluginConfig(plugin, { oversold: 80 }).ok).toBe(false);
    expect(parsePluginConfig(plugin, { topic: 'Not A Topic' }).ok).toBe(false);
  });

  it('gives Wilder’s RSI on his worked example and exact returns (published values)', async () => {
    const bars = barsFrom(WILDER_CLOSES.map((c) => [c, c, c, c] as const));
    const { readings } = await runPlugin(createFeatureEngineering, bars);
    expect(readings[13]!.rsi).toBeNull();
    expect(readings[13]!.status).toBe('warming indicators');
    // StockCharts' table (rounded intermediate averages): 70.53, 66.32, 66.55, 69.41, 66.36, 57.97.
    const published = [70.53, 66.32, 66.55, 69.41, 66.36, 57.97];
    expect(readings).toHaveLength(14 + published.length);
    for (let i = 0; i < published.length; i++) {
      expect(Math.abs((readings[14 + i]!.rsi as number) - published[i]!)).toBeLessThan(0.1);
    }
    expect(readings[1]!.return1).toBeCloseTo(44.09 / 44.34 - 1, 14);
    expect(readings[1]!.logReturn1).toBeCloseTo(Math.log(44.09 / 44.34), 14);
    expect(readings[4]!.returnN).toBeNull();
    expect(readings[5]!.returnN).toBeCloseTo(44.83 / 44.34 - 1, 14);
    expect(readings[0]).toMatchObject({ return1: null, logReturn1: null, volatility: null, atr: null });
  });

  it('publishes every bar’s features on the bus and caches the latest for the RPC', async () => {
    const host = createTestHost();
    await host.load([{ plugin: createFeatureEngineering(), config: { topic: 'ml.features' } }]);
    const events: BarFeatures[] = [];
    host.bus.on('ml.features', (e) => void events.push(e.data as BarFeatures));
    const bars = barsFrom(WILDER_CLOSES.map((c) => [c, c + 0.2, c - 0.3, c] as const));
    const readings: Record<string, unknown>[] = [];
    await host.replay(bars, { onStep: (s) => void readings.push(s.plugins['feature-engineering']!) });
    await host.idle();
    expect(events).toHaveLength(bars.length);
    const { active, score, status, ...features } = readings.at(-1)!;
    expect(events.at(-1)).toEqual(features);
    expect(await host.rpc.call('feature-engineering.latest')).toEqual(features);
    const panel = host.describe('feature-engineering');
    expect(panel?.stats).toMatchObject({ published: bars.length, cacheErrors: 0 });
    expect(events.map((e) => e.time)).toEqual(bars.map((b) => b.time));
    expect(FEATURES_CACHE).toEqual({ ns: 'features', key: 'latest' });
    await host.dispose();
  });
});

describeWithSharedData('feature-engineering on SPY daily bars', () => {
  it('honours the contract with VIX as aux', async () => {
    await expectPluginContract(createFeatureEngineering, {
      bars: await spyDailyWithVix({ joinAux, readCsvBars }),
    });
  });

  it('matches technicalindicators (RSI, ATR) and simple-statistics (volatility) on every bar', async () => {
    const bars = await spyDailyWithVix({ joinAux, readCsvBars });
    const { readings } = await runPlugin(createFeatureEngineering, bars);
    const high = bars.map((b) => b.high);
    const low = bars.map((b) => b.low);
    const close = bars.map((b) => b.close);

    // technicalindicators rounds RSI to 2 decimals; its first value is on bar 14, like Wilder's.
    const rsi = ti.RSI.calculate({ period: 14, values: close });
    expect(rsi).toHaveLength(bars.length - 14);
    for (let k = 0; k < rsi.length; k++) {
      expect(Math.abs((readings[14 + k]!.rsi as number) - rsi[k]!)).toBeLessThanOrEqual(0.005 + 1e-9);
    }

    // Both are Wilder ATRs; they seed differently (technicalindicators skips bar 0's range), and the
    // difference decays by 13/14 a bar, so after 150 bars they agree to 1e-6.
    const atr = ti.ATR.calculate({ period: 14, high, low, close });
    const offset = bars.length - atr.length;
    for (let k = 150; k < atr.length; k++) {
      expect(Math.abs((readings[offset + k]!.atr as number) - atr[k]!) / atr[k]!).toBeLessThan(1e-6);
    }
    for (let i = 20; i < bars.length; i++) {
      const returns = close.slice(i - 20, i + 1).map((c, j, a) => (j === 0 ? 0 : Math.log(c / a[j - 1]!)));
      const vol = standardDeviation(returns.slice(1)) * Math.sqrt(252);
      expect(Math.abs((readings[i]!.volatility as number) - vol)).toBeLessThan(1e-12);
      expect(readings[i]!.returnN).toBeCloseTo(close[i]! / close[i - 5]! - 1, 12);
      expect(readings[i]!.score).toBeCloseTo((readings[i]!.rsi as number) / 100, 12);
    }
  });
});
