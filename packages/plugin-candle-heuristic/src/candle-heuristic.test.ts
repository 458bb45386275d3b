import { type Bar, parsePluginConfig, parsePluginManifest, type SensorReading } from '@keel/contract';
import { joinAux, readCsvBars } from '@keel/host';
import { type BarRow, barsFrom, expectPluginContract, runPlugin } from '@keel/testing';
import { mean } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.ts';
import { spyDailyWithVix } from '../../../test-support/spy-daily-with-vix.ts';
import { CANDLE_RULES, candleHeuristic } from './candle-heuristic.js';
import { CANDLE_TOKENS, classifyCandle, shannonEntropy } from './candle-shape.js';

/** One bar of each shape, all with a range of 1 around 100: [open, high, low, close, volume]. */
const SHAPES: Record<string, BarRow> = {
  doji: [100, 100.5, 99.5, 100.05, 1000],
  bull_marubozu: [99.5, 100.5, 99.5, 100.45, 1000],
  bear_marubozu: [100.45, 100.5, 99.5, 99.5, 1000],
  hammer: [100.3, 100.5, 99.5, 100.45, 1000],
  shooting_star: [99.7, 100.5, 99.5, 99.55, 1000],
  bull: [99.8, 100.5, 99.5, 100.2, 1000],
  bear: [100.2, 100.5, 99.5, 99.8, 1000],
};
const CYCLE = Object.values(SHAPES);

/** 24 bars cycling through every shape (high entropy), then `last`. */
async function readingFor(last: BarRow, config?: object): Promise<SensorReading> {
  const rows = [...Array.from({ length: 24 }, (_, i) => CYCLE[i % CYCLE.length]!), last];
  const { readings } = await runPlugin(
    candleHeuristic,
    barsFrom(rows),
    config === undefined ? {} : { config },
  );
  return readings.at(-1)!;
}

/** Entropy from counts by a different identity: H = log₂N − (1/N) Σ c log₂ c. */
const entropyByIdentity = (counts: number[]) => {
  const n = counts.reduce((a, b) => a + b, 0);
  return Math.log2(n) - counts.filter((c) => c > 0).reduce((s, c) => s + c * Math.log2(c), 0) / n;
};

describe('candle shapes and entropy', () => {
  it('classifies every token', () => {
    for (const [token, [o, h, l, c]] of Object.entries(SHAPES) as Array<[string, readonly number[]]>) {
      expect(classifyCandle(o!, h!, l!, c!)).toBe(token);
    }
    expect(classifyCandle(5, 5, 5, 5)).toBe('doji'); // no range at all
    expect(new Set(Object.keys(SHAPES))).toEqual(new Set(CANDLE_TOKENS));
  });

  it('computes Shannon entropy as in closed form', () => {
    expect(shannonEntropy([20, 0, 0])).toBe(0);
    expect(shannonEntropy([10, 10])).toBe(1);
    expect(shannonEntropy([10, 5, 5])).toBe(1.5);
    expect(shannonEntropy([1, 1, 1, 1, 1, 1, 1])).toBeCloseTo(Math.log2(7), 14);
    for (const counts of [
      [3, 3, 3, 3, 3, 3, 2],
      [7, 1, 12],
      [1, 2, 3, 4, 5, 6, 7],
    ]) {
      expect(shannonEntropy(counts)).toBeCloseTo(entropyByIdentity(counts), 12);
    }
  });
});

describe('candle-heuristic', () => {
  it('honours the plugin contract on generated bars', async () => {
    await expectPluginContract(candleHeuristic);
    await expectPluginContract(candleHeuristic, {
      config: { lookback: 5, entropyWindow: 8, lowEntropy: 0.9 },
    });
  });

  it('validates its config', () => {
    expect(parsePluginManifest(candleHeuristic).ok).toBe(true);
    expect(parsePluginConfig(candleHeuristic, {}).ok).toBe(true);
    expect(parsePluginConfig(candleHeuristic, { lowEntropy: 2 }).ok).toBe(false);
    expect(parsePluginConfig(candleHeuristic, { entropyWindow: 2 }).ok).toBe(false);
  });

  it('stays quiet on an ordinary bar among varied shapes', async () => {
    const r = await readingFor(SHAPES.bull!);
    expect(r).toMatchObject({ active: false, score: 0, rules: [], token: 'bull' });
    expect(r.entropyNorm as number).toBeGreaterThan(0.9);
  });

  it('fires long_upper_wick alone, scored by the weaker of its two conditions', async () => {
    const r = await readingFor([100, 101.5, 99.9, 100.2, 1000]);
    expect(r).toMatchObject({ active: true, rules: ['long_upper_wick'], token: 'shooting_star' });
    expect(r.upperWick as number).toBeCloseTo(1.3, 12);
    expect(r.avgRange).toBeCloseTo(1, 12);
    // wick/body = 6.5 (strength 1), wick/avgRange = 1.3 (strength 1.3 / 1.5).
    expect(r.score).toBeCloseTo(1.3 / 1.5, 12);
  });

  it('fires long_lower_wick alone', async () => {
    const r = await readingFor([100, 100.1, 98.5, 99.8, 1000]);
    expect(r).toMatchObject({ active: true, rules: ['long_lower_wick'], token: 'hammer' });
  });

  it('does not call the wicks of a tiny bar long', async () => {
    const r = await readingFor([100, 100.2, 99.8, 100.01, 1000]);
    expect(r.rules).toEqual([]);
    expect(r.token).toBe('doji');
  });

  it('fires large_body alone against the average body of the previous bars', async () => {
    const r = await readingFor([100, 102.02, 99.98, 102, 1000]);
    const bodies = Array.from({ length: 20 }, (_, i) => {
      const [o, , , c] = CYCLE[(24 - 20 + i) % CYCLE.length]! as readonly number[];
      return Math.abs(c! - o!);
    });
    expect(r.avgBody as number).toBeCloseTo(mean(bodies), 12);
    expect(r).toMatchObject({ active: true, rules: ['large_body'], token: 'bull_marubozu' });
    expect(r.bodyRatio as number).toBeCloseTo(2 / mean(bodies), 12);
  });

  it('fires volume_spike alone, 0.5 exactly on the threshold', async () => {
    const r = await readingFor([99.8, 100.5, 99.5, 100.2, 2500]);
    expect(r).toMatchObject({ active: true, rules: ['volume_spike'], volumeRatio: 2.5, score: 0.5 });
    expect((await readingFor([99.8, 100.5, 99.5, 100.2, 2499])).rules).toEqual([]);
  });

  it('fires low_entropy alone when the same shape repeats', async () => {
    const rows = Array.from({ length: 25 }, () => SHAPES.bull!);
    const r = (await runPlugin(candleHeuristic, barsFrom(rows))).readings.at(-1)!;
    expect(r).toMatchObject({ active: true, rules: ['low_entropy'], entropy: 0, entropyNorm: 0, score: 1 });
    expect(r.tokenCounts).toEqual({ bull: 20 });
  });

  it('measures the entropy of two alternating shapes as exactly one bit', async () => {
    const rows = Array.from({ length: 26 }, (_, i) => (i % 2 === 0 ? SHAPES.bull! : SHAPES.bear!));
    const r = (await runPlugin(candleHeuristic, barsFrom(rows))).readings.at(-1)!;
    expect(r.entropy).toBe(1);
    expect(r.entropyNorm as number).toBeCloseTo(1 / Math.log2(7), 14);
    expect(r.tokenCounts).toEqual({ bull: 10, bear: 10 });
    expect(r.rules).toEqual(['low_entropy']);
    // 1 − 0.356 against 1 − 0.5: strength (0.644 / 1), capped at 1.
    expect(r.score).toBeCloseTo(Math.min(1, (1 - 1 / Math.log2(7)) / (2 * 0.5)), 12);
  });

  it('lists several rules at once in a fixed order', async () => {
    const r = await readingFor([100, 103.6, 99.95, 101.15, 4000]);
    expect(r.rules).toEqual(['long_upper_wick', 'large_body', 'volume_spike']);
    expect(CANDLE_RULES.filter((x) => (r.rules as string[]).includes(x))).toEqual(r.rules);
  });
});

describeWithSharedData('candle-heuristic on real bars', () => {
  it('honours the contract on SPY daily bars with VIX as aux', async () => {
    const bars = await spyDailyWithVix({ joinAux, readCsvBars });
    await expectPluginContract(candleHeuristic, { bars });
  });

  it('reaches every rule on SPY 5-minute bars (printed) and matches an independent entropy', async () => {
    const bars: Bar[] = [];
    for await (const b of readCsvBars(sharedDataPath('SPY_5m.csv'))) bars.push(b);
    const { readings } = await runPlugin(candleHeuristic, bars);
    const counts: Record<string, number> = {};
    for (const r of readings.slice(20))
      for (const rule of r.rules as string[]) counts[rule] = (counts[rule] ?? 0) + 1;
    console.log(`candle-heuristic on ${bars.length} SPY 5m bars:`, counts);
    for (const rule of CANDLE_RULES) expect(counts[rule] ?? 0).toBeGreaterThan(0);
    for (let i = 20; i < bars.length; i += 101) {
      const tokens = bars.slice(i - 19, i + 1).map((b) => classifyCandle(b.open, b.high, b.low, b.close));
      const c = CANDLE_TOKENS.map((t) => tokens.filter((x) => x === t).length);
      expect(readings[i]!.entropy as number).toBeCloseTo(entropyByIdentity(c), 12);
      const vols = bars.slice(i - 20, i).map((b) => b.volume);
      expect(readings[i]!.volumeRatio as number).toBeCloseTo(bars[i]!.volume / mean(vols), 9);
    }
  }, 120_000);
});
