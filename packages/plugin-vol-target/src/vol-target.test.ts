import { type Bar, parsePluginConfig, parsePluginManifest } from '@keel/contract';
import { joinAux, readCsvBars } from '@keel/host';
import { barsFrom, expectPluginContract, runPlugin } from '@keel/testing';
import { standardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.ts';
import { spyDailyWithVix } from '../../../test-support/spy-daily-with-vix.ts';
import { volTarget } from './vol-target.js';

/** Closes whose log returns alternate +r, −r: over an even lookback the population σ is exactly r. */
function zigzag(r: number, n = 41): Bar[] {
  const closes = Array.from({ length: n }, (_, i) => 100 * Math.exp(i % 2 === 0 ? 0 : r));
  return barsFrom(
    closes.map((c) => [c, c, c, c] as const),
    { intervalMs: 86_400_000 },
  );
}

describe('vol-target', () => {
  it('honours the plugin contract on generated bars', async () => {
    await expectPluginContract(volTarget);
    await expectPluginContract(volTarget, { config: { target: 0.3, lookback: 5, min: 0, max: 3 } });
  });

  it('validates its config', () => {
    expect(parsePluginManifest(volTarget).ok).toBe(true);
    const parsed = parsePluginConfig(volTarget, {});
    expect(parsed).toEqual({
      ok: true,
      config: { target: 0.15, lookback: 20, periodsPerYear: 252, min: 0.5, max: 2, rebalanceBand: 0.2 },
    });
    expect(parsePluginConfig(volTarget, { min: 2, max: 1 }).ok).toBe(false);
    expect(parsePluginConfig(volTarget, { target: 0 }).ok).toBe(false);
  });

  it('sizes by target / σ√252 and clamps to [0.5, 2] (closed form)', async () => {
    // σ√252 = target × k  ⇒  r = 0.15 k / √252.
    const cases = [
      { k: 1, scalar: 1, clamped: null, active: false },
      { k: 1.6, scalar: 1 / 1.6, clamped: null, active: true },
      { k: 4, scalar: 0.5, clamped: 'min', active: true },
      { k: 0.6, scalar: 1 / 0.6, clamped: null, active: true },
      { k: 0.25, scalar: 2, clamped: 'max', active: true },
      { k: 1.1, scalar: 1 / 1.1, clamped: null, active: false },
    ];
    for (const c of cases) {
      const r = (0.15 * c.k) / Math.sqrt(252);
      const last = (await runPlugin(volTarget, zigzag(r))).readings.at(-1)!;
      expect(last.realizedVol as number).toBeCloseTo(0.15 * c.k, 12);
      expect(last.scalar as number).toBeCloseTo(c.scalar, 12);
      expect(last.rawScalar as number).toBeCloseTo(1 / c.k, 12);
      expect(last.clamped).toBe(c.clamped);
      expect(last.active).toBe(c.active);
      expect(last.score).toBeCloseTo(Math.min(1, c.k / 2), 12);
    }
  });

  it('caps the scalar when volatility is zero', async () => {
    const bars = barsFrom(Array.from({ length: 30 }, () => [50, 50, 50, 50] as const));
    const last = (await runPlugin(volTarget, bars)).readings.at(-1)!;
    expect(last).toMatchObject({ realizedVol: 0, scalar: 2, rawScalar: null, clamped: 'max', score: 0 });
  });

  it('reports no volatility, rather than failing, while a close in the lookback is not positive', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => {
      const c = i === 25 ? 0 : 50 + (i % 3);
      return [c, c, c, c] as const;
    });
    const { readings } = await runPlugin(volTarget, barsFrom(rows));
    expect(readings[24]?.realizedVol).not.toBeNull();
    expect(readings[25]).toMatchObject({ active: false, score: 0, realizedVol: null, scalar: null });
    expect(readings.every((r) => !r.status.startsWith('ERROR'))).toBe(true);
  });

  it('says when the lookback needs more bars than the warm-up gave', async () => {
    const { readings } = await runPlugin(volTarget, zigzag(0.01), { config: { lookback: 30 } });
    expect(readings[20]).toMatchObject({
      active: false,
      score: 0,
      scalar: null,
      status: 'needs 31 bars with positive closes',
    });
    expect(readings[30]?.scalar).not.toBeNull();
  });
});

describeWithSharedData('vol-target on SPY daily bars', () => {
  it('honours the contract with VIX as aux', async () => {
    const bars = await spyDailyWithVix({ joinAux, readCsvBars });
    await expectPluginContract(volTarget, { bars });
  });

  it('matches simple-statistics’ deviation of log returns on every bar', async () => {
    const bars: Bar[] = [];
    for await (const b of readCsvBars(sharedDataPath('SPY_1d.csv'))) bars.push(b);
    const { readings } = await runPlugin(volTarget, bars);
    const logReturns = bars.map((b, i) => (i === 0 ? Number.NaN : Math.log(b.close / bars[i - 1]!.close)));
    const clamps = { min: 0, max: 0 };
    for (let i = 20; i < bars.length; i++) {
      const vol = standardDeviation(logReturns.slice(i - 19, i + 1)) * Math.sqrt(252);
      const r = readings[i]!;
      expect(Math.abs((r.realizedVol as number) - vol)).toBeLessThan(1e-12);
      const expected = Math.min(2, Math.max(0.5, 0.15 / vol));
      expect(Math.abs((r.scalar as number) - expected)).toBeLessThan(1e-9);
      if (r.clamped === 'min') clamps.min++;
      if (r.clamped === 'max') clamps.max++;
      expect(r.score >= 0 && r.score <= 1).toBe(true);
    }
    // 2016–2026 has both calm stretches (SPY under 7.5% vol) and crises (over 30%).
    expect(clamps.max).toBeGreaterThan(0);
    expect(clamps.min).toBeGreaterThan(0);
    const march2020 = bars.findIndex((b) => new Date(b.time).toISOString().startsWith('2020-03-20'));
    expect(readings[march2020]).toMatchObject({ scalar: 0.5, clamped: 'min', active: true });
  });
});
