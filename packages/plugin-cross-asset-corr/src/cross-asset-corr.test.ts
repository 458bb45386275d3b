import { type Bar, parsePluginConfig, parsePluginManifest } from '@keel/contract';
import { joinAux, readCsvBars } from '@keel/host';
import { barsFrom, expectPluginContract, runPlugin } from '@keel/testing';
import { mean, sampleCorrelation } from 'simple-statistics';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.ts';
import { crossAssetCorr, type SeriesCorrelation } from './cross-asset-corr.js';

const DAY = 86_400_000;

/** Closes from log returns, starting at 100. */
function path(returns: readonly number[]): number[] {
  const out = [100];
  for (const r of returns) out.push(out.at(-1)! * Math.exp(r));
  return out;
}

function withAux(closes: readonly number[], aux: Record<string, readonly number[]>): Bar[] {
  return barsFrom(
    closes.map((c) => [c, c, c, c] as const),
    { intervalMs: DAY },
  ).map((b, i) => ({ ...b, aux: Object.fromEntries(Object.entries(aux).map(([k, v]) => [k, v[i]!])) }));
}

/** Textbook pairs for the reference: log returns at positions [from, to) where both sides exist. */
function pairs(bars: readonly Bar[], name: string, from: number, to: number): [number[], number[]] {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = Math.max(1, from); i < to; i++) {
    const a0 = bars[i - 1]!.aux?.[name];
    const a1 = bars[i]!.aux?.[name];
    if (a0 === undefined || a1 === undefined) continue;
    x.push(Math.log(bars[i]!.close / bars[i - 1]!.close));
    y.push(Math.log(a1 / a0));
  }
  return [x, y];
}

describe('cross-asset-corr', () => {
  it('honours the plugin contract on generated bars (no aux: every series n/a)', async () => {
    await expectPluginContract(crossAssetCorr);
  });

  it('validates its config', () => {
    expect(parsePluginManifest(crossAssetCorr).ok).toBe(true);
    expect(parsePluginConfig(crossAssetCorr, {})).toEqual({
      ok: true,
      config: { series: ['vix', 'qqq'], window: 20, baseline: 120, breakThreshold: 0.5 },
    });
    expect(parsePluginConfig(crossAssetCorr, { window: 100, baseline: 120 }).ok).toBe(false);
    expect(parsePluginConfig(crossAssetCorr, { series: ['not a name'] }).ok).toBe(false);
  });

  it('reads +1 and −1 for series that move with and against the close (closed form)', async () => {
    const r = Array.from({ length: 60 }, (_, i) => 0.01 * Math.sin(i * 1.7));
    const closes = path(r);
    const bars = withAux(closes, { twin: closes.map((c) => 3 * c), mirror: path(r.map((x) => -0.5 * x)) });
    const last = (
      await runPlugin(crossAssetCorr, bars, { config: { series: ['twin', 'mirror', 'none'] } })
    ).readings.at(-1)!;
    const s = last.series as Record<string, SeriesCorrelation>;
    expect(s.twin!.corr).toBeCloseTo(1, 12);
    expect(s.mirror!.corr).toBeCloseTo(-1, 12);
    expect(s.twin!.baseline).toBeCloseTo(1, 12); // 59 returns present of 120 ≥ 2 × 20
    expect(s.none).toEqual({ corr: null, baseline: null, delta: null, broken: false, pairs: 0 });
    expect(last).toMatchObject({ active: false, breaks: [] });
  });

  it('flags a break when a series flips from moving with the close to against it', async () => {
    const r = Array.from({ length: 200 }, (_, i) => 0.01 * Math.sin(i * 1.3) + 0.004 * Math.cos(i * 0.7));
    const auxReturns = r.map((x, i) => (i < 150 ? x : -x));
    const bars = withAux(path(r), { peer: path(auxReturns) });
    const { readings } = await runPlugin(crossAssetCorr, bars, { config: { series: ['peer'] } });
    expect(readings[140]).toMatchObject({ active: false });
    const firstBreak = readings.findIndex((x) => x.active);
    expect(firstBreak).toBeGreaterThan(150);
    expect(firstBreak).toBeLessThan(175);
    const at = readings[firstBreak]!;
    const s = (at.series as Record<string, SeriesCorrelation>).peer!;
    expect(Math.abs(s.delta!)).toBeGreaterThanOrEqual(0.5);
    expect(at.breaks).toEqual(['peer']);
    expect(at.status).toMatch(/^break: peer/);
    expect(readings.at(-1)?.score).toBe(1);
  });

  it('keeps the status within the contract’s 200 characters for 16 series', async () => {
    const closes = path(Array.from({ length: 40 }, (_, i) => 0.01 * Math.sin(i)));
    const names = Array.from({ length: 16 }, (_, i) => `series_with_a_long_name_${i}`);
    const aux = Object.fromEntries(
      names.map((n, i) => [n, i % 2 === 0 ? closes : closes.map((c) => 1e4 / c)]),
    );
    const { readings } = await runPlugin(crossAssetCorr, withAux(closes, aux), { config: { series: names } });
    expect(readings.every((r) => r.status.length <= 200 && !r.status.startsWith('ERROR'))).toBe(true);
    expect(readings.at(-1)?.status).toBe('16 series, no break');
  });

  it('needs every return of the rolling window present', async () => {
    const closes = path(Array.from({ length: 40 }, (_, i) => 0.01 * Math.sin(i)));
    const bars = withAux(closes, { gap: closes }).map((b, i) => (i === 35 ? { ...b, aux: {} } : b));
    const { readings } = await runPlugin(crossAssetCorr, bars, { config: { series: ['gap'] } });
    expect((readings[34]!.series as Record<string, SeriesCorrelation>).gap!.corr).toBeCloseTo(1, 12);
    // Bar 35 lacks the value: returns 35 and 36 are missing from the next 20 windows.
    expect((readings[36]!.series as Record<string, SeriesCorrelation>).gap!.corr).toBeNull();
  });
});

describeWithSharedData('cross-asset-corr on SPY daily bars with VIX and QQQ', () => {
  const bars: Bar[] = [];
  beforeAll(async () => {
    const joined = joinAux(
      readCsvBars(sharedDataPath('SPY_1d.csv')),
      { vix: readCsvBars(sharedDataPath('VIX_1d.csv')), qqq: readCsvBars(sharedDataPath('QQQ_1d.csv')) },
      { policy: 'last', maxStalenessMs: 0 },
    );
    for await (const b of joined) bars.push(b);
    expect(joined.stats().joined.qqq).toBe(bars.length);
  });

  it('honours the contract', async () => {
    await expectPluginContract(crossAssetCorr, { bars });
  });

  it('matches simple-statistics’ sample correlation on every bar, and counts the same breaks', async () => {
    const { readings } = await runPlugin(crossAssetCorr, bars);
    const breaks = { vix: 0, qqq: 0 };
    const expectedBreaks = { vix: 0, qqq: 0 };
    const corrs: Record<'vix' | 'qqq', number[]> = { vix: [], qqq: [] };
    for (let i = 20; i < bars.length; i++) {
      const r = readings[i]!;
      const start = Math.max(0, i - 252); // the window's first bar
      for (const name of ['vix', 'qqq'] as const) {
        const s = (r.series as Record<string, SeriesCorrelation>)[name]!;
        const [x, y] = pairs(bars, name, i + 1 - 20, i + 1);
        const [bx, by] = pairs(bars, name, Math.max(start + 1, i + 1 - 120), i + 1);
        const corr = x.length === 20 ? sampleCorrelation(x, y) : null;
        const baseline = bx.length >= 40 ? sampleCorrelation(bx, by) : null;
        if (corr === null) expect(s.corr).toBeNull();
        else expect(Math.abs(s.corr! - corr)).toBeLessThan(1e-9);
        if (baseline === null) expect(s.baseline).toBeNull();
        else expect(Math.abs(s.baseline! - baseline)).toBeLessThan(1e-9);
        if (corr !== null && baseline !== null && Math.abs(corr - baseline) >= 0.5) expectedBreaks[name]++;
        if (s.broken) breaks[name]++;
        if (corr !== null) corrs[name].push(corr);
      }
    }
    expect(breaks).toEqual(expectedBreaks);
    console.log(
      `cross-asset-corr: mean 20-day correlation SPY/VIX ${mean(corrs.vix).toFixed(2)}, SPY/QQQ ${mean(corrs.qqq).toFixed(2)}; breaks`,
      breaks,
    );
    // Well-known relationships: SPY and VIX returns move against each other, SPY and QQQ together.
    expect(mean(corrs.vix)).toBeLessThan(-0.6);
    expect(mean(corrs.qqq)).toBeGreaterThan(0.8);
    // After VIX_1d.csv ends (2026-02-27) the VIX correlation is n/a, QQQ's goes on.
    const last = readings.at(-1)!.series as Record<string, SeriesCorrelation>;
    expect(last.vix!.corr).toBeNull();
    expect(last.qqq!.corr).not.toBeNull();
  });
});
