import { type Bar, parsePluginConfig, parsePluginManifest, type SensorReading } from '@keel/contract';
import { joinAux, readCsvBars } from '@keel/host';
import { barsFrom, expectPluginContract, runPlugin } from '@keel/testing';
import { sampleCorrelation, standardDeviation } from 'simple-statistics';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDailyCloses, utcDate } from '../../../test-support/aux-series.ts';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.ts';
import { vixRegime } from './vix-regime.js';

/** Independent proxy: simple-statistics' population standard deviation of log returns, ×√252, in points. */
function proxyLevel(closes: readonly number[], end: number, lookback = 20): number {
  const returns: number[] = [];
  for (let i = end - lookback + 1; i <= end; i++) returns.push(Math.log(closes[i]! / closes[i - 1]!));
  return standardDeviation(returns) * Math.sqrt(252) * 100;
}

/** The regime table from the issue, written as a lookup rather than the plugin's comparisons. */
function expectedRegime(level: number): { regime: string; exposure: number } {
  const table = [
    { from: 35, regime: 'crisis', exposure: 0.3 },
    { from: 25, regime: 'elevated', exposure: 0.7 },
    { from: 15, regime: 'normal', exposure: 1.0 },
    { from: Number.NEGATIVE_INFINITY, regime: 'low_vol', exposure: 1.2 },
  ];
  const row = table.find((r) => level >= r.from)!;
  return { regime: row.regime, exposure: row.exposure };
}

function flatBars(n: number, vix?: (i: number) => number): Bar[] {
  const bars = barsFrom(
    Array.from({ length: n }, (_, i) => {
      const c = 100 * Math.exp(0.01 * Math.sin(i));
      return [c, c, c, c] as const;
    }),
    { intervalMs: 86_400_000 },
  );
  return vix === undefined ? bars : bars.map((b, i) => ({ ...b, aux: { vix: vix(i) } }));
}

describe('vix-regime', () => {
  it('honours the plugin contract on generated bars (proxy only)', async () => {
    await expectPluginContract(vixRegime);
  });

  it('validates its config', () => {
    expect(parsePluginManifest(vixRegime).ok).toBe(true);
    const parsed = parsePluginConfig(vixRegime, {});
    expect(parsed.ok && parsed.config.thresholds).toEqual({ normal: 15, elevated: 25, crisis: 35 });
    expect(parsed.ok && parsed.config.exposure).toEqual({
      low_vol: 1.2,
      normal: 1,
      elevated: 0.7,
      crisis: 0.3,
    });
    expect(parsePluginConfig(vixRegime, { thresholds: { normal: 30 } }).ok).toBe(false);
    expect(parsePluginConfig(vixRegime, { proxy: { lookback: 1 } }).ok).toBe(false);
  });

  it('maps each side of every threshold to its regime and exposure', async () => {
    const levels = [10, 14.99, 15, 24.99, 25, 34.99, 35, 80];
    const bars = flatBars(21 + levels.length, (i) => levels[i - 21] ?? 20);
    const { readings } = await runPlugin(vixRegime, bars);
    const got = readings.slice(21).map((r) => [r.level, r.regime, r.exposure, r.source, r.active]);
    expect(got).toEqual(
      levels.map((l) => {
        const e = expectedRegime(l);
        return [l, e.regime, e.exposure, 'vix', e.regime === 'elevated' || e.regime === 'crisis'];
      }),
    );
    expect(readings[21 + 4]?.score).toBe(0.5); // VIX 25 = 0.5, where `elevated` starts
    expect(readings.at(-1)?.score).toBe(1);
  });

  it('says when the proxy lacks bars (lookback longer than the warm-up)', async () => {
    const { readings } = await runPlugin(vixRegime, flatBars(40), { config: { proxy: { lookback: 30 } } });
    expect(readings[20]).toMatchObject({
      active: false,
      score: 0,
      regime: null,
      source: 'realized_vol_proxy',
    });
    expect(readings[30]?.regime).not.toBeNull();
  });
});

describeWithSharedData('vix-regime on SPY daily bars with VIX', () => {
  const bars: Bar[] = [];
  let vix = new Map<string, number>();
  let readings: SensorReading[] = [];
  beforeAll(async () => {
    vix = readDailyCloses(sharedDataPath('VIX_1d.csv'));
    // Same-date values only: a day without a VIX close must take the proxy, not yesterday's VIX.
    const joined = joinAux(
      readCsvBars(sharedDataPath('SPY_1d.csv')),
      { vix: readCsvBars(sharedDataPath('VIX_1d.csv')) },
      { policy: 'last', maxStalenessMs: 0 },
    );
    for await (const b of joined) bars.push(b);
    expect(joined.stats().joined.vix).toBe(bars.filter((b) => vix.has(utcDate(b.time))).length);
    readings = (await runPlugin(vixRegime, bars)).readings;
  });

  it('honours the contract with VIX as aux', async () => {
    await expectPluginContract(vixRegime, { bars });
  });

  it('uses the published VIX close on every day that has one', () => {
    let checked = 0;
    for (let i = 20; i < bars.length; i++) {
      const published = vix.get(utcDate(bars[i]!.time));
      if (published === undefined) continue;
      const r = readings[i]!;
      expect(r).toMatchObject({ source: 'vix', level: published, ...expectedRegime(published) });
      checked++;
    }
    expect(checked).toBeGreaterThan(2400);
    // VIX's record close, 82.69 on 2020-03-16.
    const i = bars.findIndex((b) => new Date(b.time).toISOString().startsWith('2020-03-16'));
    expect(readings[i]).toMatchObject({
      level: 82.69,
      regime: 'crisis',
      exposure: 0.3,
      active: true,
      score: 1,
    });
  });

  it('falls back to the realized-vol proxy after VIX_1d.csv ends (2026-02-27)', () => {
    const closes = bars.map((b) => b.close);
    const tail = bars
      .map((b, i) => ({ b, i }))
      .filter(({ b }) => b.aux?.vix === undefined && b.time > Date.UTC(2026, 1, 27));
    expect(tail.length).toBeGreaterThan(100);
    for (const { i } of tail) {
      const r = readings[i]!;
      const expected = proxyLevel(closes, i);
      expect(r.source).toBe('realized_vol_proxy');
      expect(r.vix).toBeNull();
      expect(Math.abs((r.level as number) - expected)).toBeLessThan(1e-9 * expected);
      expect(r).toMatchObject(expectedRegime(r.level as number));
    }
  });

  it('has a proxy that tracks VIX (printed)', async () => {
    const proxyOnly = (await runPlugin(vixRegime, bars, { config: { auxName: 'not-there' } })).readings;
    const pairs: Array<[number, number]> = [];
    let agree = 0;
    for (let i = 20; i < bars.length; i++) {
      const v = bars[i]!.aux?.vix;
      if (v === undefined) continue;
      const p = proxyOnly[i]!;
      expect(p.source).toBe('realized_vol_proxy');
      pairs.push([v, p.level as number]);
      if (p.regime === expectedRegime(v).regime) agree++;
    }
    const corr = sampleCorrelation(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    );
    console.log(
      `vix-regime: proxy vs VIX correlation ${corr.toFixed(3)}, same regime on ${((100 * agree) / pairs.length).toFixed(1)}% of ${pairs.length} days`,
    );
    expect(corr).toBeGreaterThan(0.6);
  });
});
