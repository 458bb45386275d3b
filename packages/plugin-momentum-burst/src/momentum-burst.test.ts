import { type Bar, parsePluginConfig, parsePluginManifest } from '@keel/contract';
import { joinAux, readCsvBars } from '@keel/host';
import atrBurst from '@keel/plugin-atr-burst';
import { barsFrom, expectPluginContract, runPlugin, runPlugins } from '@keel/testing';
import ti from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.ts';
import { spyDailyWithVix } from '../../../test-support/spy-daily-with-vix.ts';
import { momentumBurst } from './momentum-burst.js';

/**
 * The independent ATR: technicalindicators' TrueRange (which starts at the second bar, like the seed
 * formula) averaged by its SMA over `min(14, k)` terms ending at bar k.
 */
function referenceAtrs(bars: readonly Bar[], period = 14): number[] {
  const tr = ti.TrueRange.calculate({
    high: bars.map((b) => b.high),
    low: bars.map((b) => b.low),
    close: bars.map((b) => b.close),
  });
  // tr[j] is the true range of bar j + 1.
  const out: number[] = [Number.NaN];
  for (let k = 1; k < period && k < bars.length; k++) {
    out.push(ti.SMA.calculate({ period: k, values: tr.slice(0, k) })[0]!);
  }
  out.push(...ti.SMA.calculate({ period, values: tr }));
  return out;
}

describe('momentum-burst', () => {
  it('honours the plugin contract on generated bars', async () => {
    await expectPluginContract(momentumBurst);
    await expectPluginContract(momentumBurst, { config: { period: 5, multiple: 3 } });
  });

  it('has a valid manifest and config schema', () => {
    expect(parsePluginManifest(momentumBurst).ok).toBe(true);
    expect(parsePluginConfig(momentumBurst, {})).toEqual({ ok: true, config: { period: 14, multiple: 1.5 } });
    expect(parsePluginConfig(momentumBurst, { period: 0 }).ok).toBe(false);
    expect(parsePluginConfig(momentumBurst, { multiple: -1 }).ok).toBe(false);
  });

  it('uses min(period, n - 1) true ranges including the current bar (closed form)', async () => {
    // [open, high, low, close]
    const bars = barsFrom([
      [10, 11, 9, 10], // no previous close: contributes only as one
      [10, 12, 10, 11.5], // TR = max(2, |12-10|, |10-10|) = 2
      [11.5, 12, 11, 11.2], // TR = max(1, 0.5, 0.5) = 1
      [11.2, 15, 11.2, 15], // TR = max(3.8, 3.8, 0) = 3.8, body 3.8
    ]);
    const { readings } = await runPlugin(momentumBurst, bars, { config: { period: 2 } });
    expect(readings[0]?.status).toBe('WARMUP');
    expect(readings[1]).toMatchObject({ terms: 1, atr: 2 });
    expect(readings[2]).toMatchObject({ terms: 2, atr: 1.5 });
    // Current bar included: (1 + 3.8) / 2 = 2.4, ratio 3.8 / 2.4.
    expect(readings[3]?.terms).toBe(2);
    expect(readings[3]?.atr).toBeCloseTo(2.4, 12);
    expect(readings[3]?.ratio).toBeCloseTo(3.8 / 2.4, 12);
    expect(readings[3]).toMatchObject({ active: true, direction: 'up' });
    expect(readings[3]?.score).toBeCloseTo(3.8 / 2.4 / 3, 12);
  });
});

describeWithSharedData('momentum-burst on real data', () => {
  it('honours the contract on SPY daily bars with VIX as aux', async () => {
    const bars = await spyDailyWithVix({ joinAux, readCsvBars });
    expect(bars.filter((b) => b.aux?.vix !== undefined).length).toBeGreaterThan(2400); // VIX_1d.csv ends on 2026-02-27, SPY later
    await expectPluginContract(momentumBurst, { bars });
  });

  it('reproduces the seed count on SPY 5-minute bars: 1,190 active bars against atr-burst’s 1,581', async () => {
    const bars: Bar[] = [];
    for await (const b of readCsvBars(sharedDataPath('SPY_5m.csv'))) bars.push(b);
    const run = await runPlugins([momentumBurst, atrBurst], bars);
    const seed = run.readings['momentum-burst']!;
    expect(seed).toHaveLength(bars.length);

    // Independent count: the seed formula through technicalindicators.
    const atrs = referenceAtrs(bars);
    let independent = 0;
    let worst = 0;
    for (let k = 1; k < bars.length; k++) {
      const bar = bars[k]!;
      const ratio = Math.abs(bar.close - bar.open) / atrs[k]!;
      if (ratio > 1.5) independent++;
      const r = seed[k]!;
      worst = Math.max(worst, Math.abs((r.atr as number) - atrs[k]!) / atrs[k]!);
      expect(r.active).toBe(ratio > 1.5);
    }
    expect(worst).toBeLessThan(1e-9);
    const active = seed.filter((r) => r.active).length;
    expect(active).toBe(independent);
    expect(active).toBe(1190);

    // atr-burst leaves the current bar out: the same SMA, lagged by one bar, counts its 1,581.
    let lagged = 0;
    for (let k = 16 - 1; k < bars.length; k++) {
      const bar = bars[k]!;
      if (Math.abs(bar.close - bar.open) / atrs[k - 1]! > 1.5) lagged++;
    }
    const atrBurstActive = run.readings['atr-burst']!.filter((r) => r.active).length;
    expect(atrBurstActive).toBe(lagged);
    expect(atrBurstActive).toBe(1581);
    for (const r of seed) {
      expect(Number.isFinite(r.score) && r.score >= 0 && r.score <= 1).toBe(true);
    }
  }, 120_000);
});
