import { type Bar, parsePluginConfig, parsePluginManifest, type SensorReading } from '@keel/contract';
import { joinAux, mulberry32, readCsvBars } from '@keel/host';
import { barsFrom, expectPluginContract, runPlugin } from '@keel/testing';
import { inverse, Matrix } from 'ml-matrix';
import { errorFunction, mean } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.ts';
import { spyDailyWithVix } from '../../../test-support/spy-daily-with-vix.ts';
import { erf } from './erf.js';
import { createKalmanTrend } from './kalman-trend.js';

const DEFAULTS = { observationStd: 0.01, accelerationStd: 0.0005, initialSlopeStd: 0.01 };

/**
 * The textbook matrix Kalman filter, written with ml-matrix and a general inverse, as the
 * independent reference for the plugin's unrolled 2×2 arithmetic.
 */
function matrixKalman(observations: readonly number[], p = DEFAULTS) {
  const F = new Matrix([
    [1, 1],
    [0, 1],
  ]);
  const H = new Matrix([[1, 0]]);
  const G = new Matrix([[0.5], [1]]); // acceleration → [level, slope]
  const Q = G.mmul(G.transpose()).mul(p.accelerationStd ** 2);
  const R = new Matrix([[p.observationStd ** 2]]);
  let x = new Matrix([[observations[0]!], [0]]);
  let P = new Matrix([
    [p.observationStd ** 2, 0],
    [0, p.initialSlopeStd ** 2],
  ]);
  const out: Array<{ level: number; slope: number; nu: number; S: number; K: number[]; pSS: number }> = [];
  for (let t = 1; t < observations.length; t++) {
    const xp = F.mmul(x);
    const Pp = F.mmul(P).mmul(F.transpose()).add(Q);
    const S = H.mmul(Pp).mmul(H.transpose()).add(R);
    const K = Pp.mmul(H.transpose()).mmul(inverse(S));
    const nu = observations[t]! - H.mmul(xp).get(0, 0);
    x = xp.clone().add(K.clone().mul(nu));
    // Joseph form: a different (and symmetric by construction) covariance update.
    const IKH = Matrix.eye(2).sub(K.mmul(H));
    P = IKH.mmul(Pp).mmul(IKH.transpose()).add(K.mmul(R).mmul(K.transpose()));
    out.push({
      level: x.get(0, 0),
      slope: x.get(1, 0),
      nu,
      S: S.get(0, 0),
      K: [K.get(0, 0), K.get(1, 0)],
      pSS: P.get(1, 1),
    });
  }
  return out;
}

/** Standard normal draws from a seeded PRNG (Box–Muller). */
function normals(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

function priceBars(logPrices: readonly number[]): Bar[] {
  return barsFrom(
    logPrices.map((y) => {
      const c = Math.exp(y);
      return [c, c, c, c] as const;
    }),
    { intervalMs: 86_400_000 },
  );
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('kalman-trend', () => {
  it('honours the plugin contract, as a factory', async () => {
    await expectPluginContract(createKalmanTrend);
    await expectPluginContract(createKalmanTrend, { config: { observationStd: 0.002, band: 3 } });
  });

  it('validates its config', () => {
    const plugin = createKalmanTrend();
    expect(parsePluginManifest(plugin).ok).toBe(true);
    expect(parsePluginConfig(plugin, {})).toEqual({
      ok: true,
      config: { ...DEFAULTS, band: 2, trendSigmas: 2 },
    });
    expect(parsePluginConfig(plugin, { observationStd: 0 }).ok).toBe(false);
  });

  it('has an erf within 1.5e-7 of published values and simple-statistics', () => {
    // Abramowitz & Stegun table 7.1.
    const published: Array<[number, number]> = [
      [0.1, 0.112462916],
      [0.5, 0.5204998778],
      [1, 0.8427007929],
      [1.5, 0.9661051465],
      [2, 0.995322265],
      [3, 0.9999779095],
    ];
    for (const [x, y] of published) {
      expect(Math.abs(erf(x) - y)).toBeLessThan(1.5e-7);
      expect(Math.abs(erf(-x) + y)).toBeLessThan(1.5e-7);
    }
    for (let x = -4; x <= 4; x += 0.01) expect(Math.abs(erf(x) - errorFunction(x))).toBeLessThan(2e-7);
  });

  it('converges to the Kalata steady-state α–β gains (closed form)', async () => {
    // Tracking index λ = σa T² / σr; α and β from Kalata (1984) for the white-acceleration model.
    for (const [sa, sr] of [
      [0.0005, 0.01],
      [0.01, 0.01],
      [0.002, 0.001],
    ] as const) {
      const lambda = sa / sr;
      const root = Math.sqrt(lambda * lambda + 8 * lambda);
      const alpha = -(lambda * lambda + 8 * lambda - (lambda + 4) * root) / 8;
      const beta = (lambda * lambda + 4 * lambda - lambda * root) / 4;
      const noise = normals(7);
      const y = Array.from({ length: 3000 }, (_, t) => Math.log(100) + 0.0003 * t + sr * noise());
      const config = { accelerationStd: sa, observationStd: sr };
      const last = (await runPlugin(createKalmanTrend, priceBars(y), { config })).readings.at(-1)!;
      expect(rel(last.gainLevel as number, alpha)).toBeLessThan(1e-9);
      expect(rel(last.gainSlope as number, beta)).toBeLessThan(1e-9);
    }
  });

  it('recovers a known slope exactly on a noiseless line, and within 3σ under noise', async () => {
    const line = Array.from({ length: 800 }, (_, t) => Math.log(50) + 0.002 * t);
    const exact = (await runPlugin(createKalmanTrend, priceBars(line))).readings.at(-1)!;
    expect(Math.abs((exact.slope as number) - 0.002)).toBeLessThan(1e-9);
    // The posterior σ of the slope does not depend on the data: 0.002 is within 2σ of flat, 0.005 is not.
    expect((exact.slope as number) / (exact.slopeStd as number)).toBeLessThan(2);
    expect(exact.trend).toBe('flat');
    const steep = Array.from({ length: 800 }, (_, t) => Math.log(50) + 0.005 * t);
    expect((await runPlugin(createKalmanTrend, priceBars(steep))).readings.at(-1)?.trend).toBe('up');
    expect(Math.abs(exact.standardized as number)).toBeLessThan(1e-6);

    const noise = normals(11);
    const noisy = Array.from({ length: 2000 }, (_, t) => Math.log(50) - 0.004 * t + 0.01 * noise());
    const last = (await runPlugin(createKalmanTrend, priceBars(noisy))).readings.at(-1)!;
    expect(Math.abs((last.slope as number) + 0.004)).toBeLessThan(3 * (last.slopeStd as number));
    expect(last.trend).toBe('down');
  });

  it('yields unit-variance innovations when the data follow the model', async () => {
    // Simulate the model itself: white acceleration on the slope, white noise on the observation.
    const noise = normals(3);
    const { observationStd: sr, accelerationStd: sa } = DEFAULTS;
    let level = Math.log(100);
    let slope = 0.0005;
    const y: number[] = [];
    for (let t = 0; t < 6000; t++) {
      y.push(level + sr * noise());
      const a = sa * noise();
      level += slope + a / 2;
      slope += a;
    }
    const { readings } = await runPlugin(createKalmanTrend, priceBars(y));
    const e = readings.slice(200).map((r) => r.standardized as number);
    // E[e²] = 1; over 5,800 draws its standard error is √(2/n) ≈ 0.019.
    expect(Math.abs(mean(e.map((v) => v * v)) - 1)).toBeLessThan(0.1);
    expect(Math.abs(mean(e))).toBeLessThan(0.1);
    // |e| ≥ 2 about 4.55% of the time.
    const active = readings.slice(200).filter((r) => r.active).length / e.length;
    expect(active).toBeGreaterThan(0.03);
    expect(active).toBeLessThan(0.065);
  });

  it('skips a non-positive close without poisoning the filter', async () => {
    const plugin = createKalmanTrend();
    const bad = { time: Date.UTC(2024, 0, 10), open: 0, high: 0, low: 0, close: 0, volume: 0 };
    const bars = [
      ...priceBars([4, 4.01, 4.02]),
      bad,
      ...priceBars([4.03]).map((b) => ({ ...b, time: bad.time + 1 })),
    ];
    const { readings } = await runPlugin(plugin, bars);
    expect(readings[3]).toMatchObject({ active: false, score: 0, skipped: 1 });
    expect(Number.isFinite(readings[4]?.slope)).toBe(true);
  });
});

describeWithSharedData('kalman-trend on SPY daily bars', () => {
  it('honours the contract with VIX as aux', async () => {
    const bars = await spyDailyWithVix({ joinAux, readCsvBars });
    await expectPluginContract(createKalmanTrend, { bars });
  });

  it('matches a generic matrix Kalman filter (ml-matrix, Joseph form) on every bar', async () => {
    const bars: Bar[] = [];
    for await (const b of readCsvBars(sharedDataPath('SPY_1d.csv'))) bars.push(b);
    const y = bars.map((b) => Math.log(b.close));
    const reference = matrixKalman(y);
    const { readings } = await runPlugin(createKalmanTrend, bars);
    expect(readings[0]?.status).toBe('initialized');
    let worst = 0;
    for (let t = 1; t < bars.length; t++) {
      const r: SensorReading = readings[t]!;
      const m = reference[t - 1]!;
      worst = Math.max(
        worst,
        rel(r.logLevel as number, m.level),
        Math.abs((r.slope as number) - m.slope) / 1e-3,
        Math.abs((r.innovation as number) - m.nu) / 1e-2,
        rel(r.innovationVariance as number, m.S),
        rel(r.gainLevel as number, m.K[0]!),
        rel(r.gainSlope as number, m.K[1]!),
        rel((r.slopeStd as number) ** 2, m.pSS),
      );
      expect(r.standardized as number).toBeCloseTo(m.nu / Math.sqrt(m.S), 9);
      expect(r.score).toBeCloseTo(errorFunction(Math.abs(m.nu / Math.sqrt(m.S)) / Math.SQRT2), 6);
    }
    expect(worst).toBeLessThan(1e-9);
    // The 2020-03-16 close (−10.9%) is one of the largest surprises in the file.
    const crash = bars.findIndex((b) => new Date(b.time).toISOString().startsWith('2020-03-16'));
    expect(readings[crash]).toMatchObject({ active: true });
    expect(readings[crash]!.standardized as number).toBeLessThan(-4);
  });
});
