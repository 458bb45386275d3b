import { type Bar, parsePluginConfig, parsePluginManifest } from '@keel/contract';
import { createHost, createLogger, joinAux, readCsvBars } from '@keel/host';
import { barsFrom, expectPluginContract, runPlugin } from '@keel/testing';
import { getMaxDrawdown } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.ts';
import { spyDailyWithVix } from '../../../test-support/spy-daily-with-vix.ts';
import { createDrawdownDerisk } from './drawdown-derisk.js';

const flat = (closes: number[]): Bar[] => barsFrom(closes.map((c) => [c, c, c, c] as const));

describe('drawdown-derisk', () => {
  it('honours the plugin contract, as a factory', async () => {
    await expectPluginContract(createDrawdownDerisk);
    await expectPluginContract(createDrawdownDerisk, {
      config: { bands: [{ drawdown: 0.01, exposure: 0.5 }], fullExposure: 1.5 },
    });
  });

  it('validates its config', () => {
    const plugin = createDrawdownDerisk();
    expect(parsePluginManifest(plugin).ok).toBe(true);
    const parsed = parsePluginConfig(plugin, {});
    expect(parsed.ok && parsed.config.bands).toHaveLength(3);
    const bad = [
      { bands: [] },
      {
        bands: [
          { drawdown: 0.2, exposure: 0.5 },
          { drawdown: 0.1, exposure: 0.25 },
        ],
      },
      {
        bands: [
          { drawdown: 0.1, exposure: 0.5 },
          { drawdown: 0.2, exposure: 0.75 },
        ],
      },
      { bands: [{ drawdown: 1.5, exposure: 0.5 }] },
    ];
    for (const config of bad) expect(parsePluginConfig(plugin, config).ok).toBe(false);
  });

  it('maps each band edge to its exposure (closed form)', async () => {
    // High 100, then closes at drawdowns 4.99%, 5%, 10%, 19.99%, 20%, 50%, then a new high.
    const closes = [100, 95.01, 95, 90, 80.01, 80, 50, 101];
    const { readings } = await runPlugin(createDrawdownDerisk, flat(closes));
    expect(readings.map((r) => r.exposure)).toEqual([1, 1, 0.75, 0.5, 0.5, 0.25, 0.25, 1]);
    expect(readings.map((r) => r.band)).toEqual([-1, -1, 0, 1, 1, 2, 2, -1]);
    expect(readings.map((r) => r.active)).toEqual([false, false, true, true, true, true, true, false]);
    expect(readings.map((r) => r.barsSinceHigh)).toEqual([0, 1, 2, 3, 4, 5, 6, 0]);
    for (let i = 0; i < closes.length; i++) {
      const high = Math.max(...closes.slice(0, i + 1));
      expect(readings[i]!.drawdown as number).toBeCloseTo(1 - closes[i]! / high, 12);
      expect(readings[i]!.score).toBeCloseTo(Math.min(1, (1 - closes[i]! / high) / 0.2), 12);
    }
    expect(readings.at(-1)).toMatchObject({ highWaterMark: 101, maxDrawdown: 0.5 });
  });

  it('keeps the high-water mark after it leaves the two-bar window, until reset', async () => {
    const host = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    await host.load([createDrawdownDerisk()]);
    const bars = flat([100, 120, ...Array.from({ length: 30 }, (_, i) => 110 - i)]);
    let last: Record<string, unknown> = {};
    await host.replay(bars, {
      onStep: (s) => {
        last = s.plugins['drawdown-derisk']!;
      },
    });
    expect(last).toMatchObject({ highWaterMark: 120, highWaterTime: bars[1]!.time, barsSinceHigh: 30 });
    expect(last.drawdown as number).toBeCloseTo(1 - 81 / 120, 12);
    host.reset();
    await host.replay(flat([81, 80]), {
      reset: false,
      onStep: (s) => {
        last = s.plugins['drawdown-derisk']!;
      },
    });
    expect(last).toMatchObject({ highWaterMark: 81, barsSinceHigh: 1 });
    await host.dispose();
  });
});

describeWithSharedData('drawdown-derisk on SPY daily bars', () => {
  it('honours the contract with VIX as aux', async () => {
    const bars = await spyDailyWithVix({ joinAux, readCsvBars });
    await expectPluginContract(createDrawdownDerisk, { bars });
  });

  it('matches trading-signals’ max drawdown and the prefix maximum on every bar', async () => {
    const bars: Bar[] = [];
    for await (const b of readCsvBars(sharedDataPath('SPY_1d.csv'))) bars.push(b);
    const closes = bars.map((b) => b.close);
    const { readings } = await runPlugin(createDrawdownDerisk, bars);
    for (let i = 0; i < bars.length; i += 7) {
      const prefix = closes.slice(0, i + 1);
      const r = readings[i]!;
      expect(r.highWaterMark).toBe(Math.max(...prefix));
      expect(r.drawdown as number).toBeCloseTo(1 - closes[i]! / Math.max(...prefix), 12);
      expect(r.maxDrawdown as number).toBeCloseTo(getMaxDrawdown(prefix) / 100, 12);
    }
    // COVID crash: the 2020-02-19 close of 338.34 to the 2020-03-23 close of 222.95.
    const at = (d: string) => bars.findIndex((b) => new Date(b.time).toISOString().startsWith(d));
    const trough = readings[at('2020-03-23')]!;
    expect(trough).toMatchObject({
      highWaterMark: 338.34,
      highWaterTime: bars[at('2020-02-19')]!.time,
      band: 2,
    });
    expect(trough.drawdown as number).toBeCloseTo(1 - 222.95 / 338.34, 12);
    expect(trough).toMatchObject({ exposure: 0.25, score: 1, active: true });
  });
});
