import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Bar } from '@keel/contract';
import { createHost, createLogger, type Host, readCsvBars } from '@keel/host';
import { barsFrom, expectPluginContract, runPlugin } from '@keel/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.js';
import { ewmaVariance } from './ewma-model.js';
import { createForecastCone, FORECAST_METHOD, type ForecastResponse } from './forecast-cone-plugin.js';
import { createRng } from './prng.js';

/** Closes of a calm random walk (σ 0.5%), then one bar jumping `jump` (log) at the end. */
function walkCloses(n: number, seed: number): number[] {
  const rng = createRng(seed);
  const out = [100];
  for (let i = 1; i < n; i++) out.push(out[i - 1]! * Math.exp(0.005 * (rng() - 0.5) * Math.sqrt(12)));
  return out;
}

function closesToBars(closes: number[]): Bar[] {
  return barsFrom(
    closes.map((c, i) => {
      const o = i === 0 ? c : closes[i - 1]!;
      return [o, Math.max(o, c) * 1.001, Math.min(o, c) * 0.999, c] as const;
    }),
    { intervalMs: 86_400_000 },
  );
}

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

async function loadedHost(
  config: unknown = {},
  cache: { path: string } | { memory: true } = { memory: true },
) {
  const host = createHost({ cache, services: { logger: createLogger({ level: 'silent' }) } });
  hosts.push(host);
  const { errors } = await host.load([{ plugin: createForecastCone, config }]);
  expect(errors).toEqual([]);
  return host;
}

describe('forecast-cone plugin', () => {
  it('honours the plugin contract, as a factory, for each model', async () => {
    await expectPluginContract(createForecastCone);
    await expectPluginContract(createForecastCone, { config: { model: 'bootstrap', every: 3, horizon: 5 } });
    await expectPluginContract(createForecastCone, { config: { model: 'garch', every: 5, horizon: 5 } });
  });

  it('answers the forecast RPC with a cone of the requested length, cached by input', async () => {
    const host = await loadedHost();
    const closes = walkCloses(300, 1);
    const first = await host.rpc.call<ForecastResponse>(FORECAST_METHOD, { closes, horizon: 10 });
    expect(first.p10).toHaveLength(10);
    expect(first.cached).toBe(false);
    expect(first).toMatchObject({ model: 'ewma', horizon: 10, last: closes[299], recalibrated: false });
    // The EWMA lognormal cone, recomputed here from the variance and the published z of 0.9.
    const sigma = Math.sqrt(
      ewmaVariance(
        closes.slice(1).map((c, i) => Math.log(c / closes[i]!)),
        { lambda: 0.94, seedReturns: 30 },
      ),
    );
    for (let k = 1; k <= 10; k++) {
      const s = sigma * Math.sqrt(k);
      expect(first.p90[k - 1]).toBeCloseTo(closes[299]! * Math.exp(1.2815515655446004 * s), 6);
      expect(first.p10[k - 1]).toBeCloseTo(closes[299]! * Math.exp(-1.2815515655446004 * s), 6);
      expect(first.p50[k - 1]).toBeCloseTo(closes[299]!, 9);
    }
    const again = await host.rpc.call<ForecastResponse>(FORECAST_METHOD, { closes, horizon: 10 });
    expect(again).toEqual({ ...first, cached: true });
    // Anything that changes the result changes the key: the horizon, the model, one close.
    expect((await host.rpc.call<ForecastResponse>(FORECAST_METHOD, { closes, horizon: 11 })).cached).toBe(
      false,
    );
    const garch = await host.rpc.call<ForecastResponse>(FORECAST_METHOD, {
      closes,
      horizon: 10,
      model: 'garch',
    });
    expect(garch.cached).toBe(false);
    const nudged = closes.map((c, i) => (i === 150 ? c * (1 + 1e-12) : c));
    expect(
      (await host.rpc.call<ForecastResponse>(FORECAST_METHOD, { closes: nudged, horizon: 10 })).cached,
    ).toBe(false);
    const boot = await host.rpc.call<ForecastResponse>(FORECAST_METHOD, {
      closes,
      horizon: 10,
      model: 'bootstrap',
    });
    for (let k = 0; k < 10; k++) {
      expect(boot.p10[k]!).toBeLessThan(boot.p50[k]!);
      expect(boot.p50[k]!).toBeLessThan(boot.p90[k]!);
    }
    const panel = host.describe('forecast-cone');
    expect(panel?.stats).toMatchObject({ cacheHits: 1, cacheMisses: 5, rpcCalls: 6 });
  });

  it('rejects bad payloads with the forecast error code as the cause', async () => {
    const host = await loadedHost({ maxHorizon: 60 });
    const cases: Array<[unknown, string, string]> = [
      [{ closes: [1, 2, 3], horizon: 5 }, 'FORECAST_TOO_FEW_CLOSES', 'closes'],
      [
        { closes: [...walkCloses(40, 2).slice(0, 39), 0], horizon: 5 },
        'FORECAST_NON_POSITIVE_PRICE',
        'closes[39]',
      ],
      [{ closes: walkCloses(40, 2), horizon: 61 }, 'FORECAST_HORIZON_OUT_OF_RANGE', 'horizon'],
      [{ closes: walkCloses(40, 2), horizon: 5, model: 'arima' }, 'FORECAST_UNKNOWN_MODEL', 'model'],
      [{ closes: Array(40).fill(10), horizon: 5 }, 'FORECAST_DEGENERATE_SERIES', 'closes'],
    ];
    for (const [payload, code, field] of cases) {
      const error = await host.rpc.call(FORECAST_METHOD, payload as never).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'RPC_HANDLER_FAILED', cause: { code, field } });
    }
  });

  it('fires when the close leaves the last cone, scored by how far', async () => {
    const closes = walkCloses(200, 3);
    const up = [...closes, closes[199]! * 1.08];
    const down = [...closes, closes[199]! * 0.94];
    const runUp = await runPlugin(createForecastCone, closesToBars(up));
    const runDown = await runPlugin(createForecastCone, closesToBars(down));
    const calm = runUp.readings.slice(100, 200);
    // The calm walk stays inside the 80% band about 80% of the time.
    const outside = calm.filter((r) => r.active).length;
    expect(outside).toBeGreaterThan(5);
    expect(outside).toBeLessThan(40);
    for (const r of calm) expect(r.active).toBe(r.score > 0);
    const jump = runUp.readings[200]!;
    expect(jump).toMatchObject({ active: true, step: 1 });
    expect(jump.status).toMatch(/^above p90 by \d+\.\d\d% \(step 1\)$/);
    expect(jump.score).toBeGreaterThan(0.8);
    expect(jump.p90 as number).toBeLessThan(up[200]!);
    const drop = runDown.readings[200]!;
    expect(drop.active).toBe(true);
    expect(drop.status).toMatch(/^below p10/);
    // A smaller move out scores lower.
    const small = await runPlugin(createForecastCone, closesToBars([...closes, closes[199]! * 1.02]));
    expect(small.readings[200]!.score).toBeLessThan(jump.score);
    expect(runUp.readings[0]!.status).toBe('collecting 1/30 closes');
  });

  it('gives no cone on a flat stretch instead of failing, and resumes when prices move', async () => {
    const flat = [...Array(40).fill(100), ...walkCloses(20, 8).map((c) => c)];
    const { readings } = await runPlugin(createForecastCone, closesToBars(flat));
    expect(readings[35]).toMatchObject({
      active: false,
      score: 0,
      status: 'flat: the last 36 closes never change, no cone',
    });
    expect(readings.every((r) => !r.status.startsWith('ERROR'))).toBe(true);
    expect(readings[59]!.status).toMatch(/^(inside p10–p90|above p90|below p10)/);
  });

  it('issues a cone every N bars and compares each bar with the step it lands on', async () => {
    const { readings, panel } = await runPlugin(createForecastCone, closesToBars(walkCloses(120, 4)), {
      config: { every: 10, horizon: 10 },
    });
    const steps = readings.slice(30).map((r) => r.step);
    // First cone at bar 29 (the 30th close); bars 30..39 are its steps 1..10, then a new cone at 39.
    expect(steps.slice(0, 12)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2]);
    expect(panel?.stats.issued).toBe(Math.floor((119 - 29) / 10) + 1);
  });

  it('shares forecasts through a persistent cache: a second host replaying the same bars hits', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keel-forecast-'));
    try {
      const cache = { path: path.join(dir, 'cache.sqlite') };
      const bars = closesToBars(walkCloses(150, 5));
      const a = await loadedHost({}, cache);
      const first: unknown[] = [];
      await a.replay(bars, { onStep: (s) => void first.push(s.plugins['forecast-cone']) });
      expect(a.describe('forecast-cone')?.stats).toMatchObject({ cacheHits: 0, cacheMisses: 121 });
      await a.dispose();
      const b = await loadedHost({}, cache);
      const second: unknown[] = [];
      await b.replay(bars, { onStep: (s) => void second.push(s.plugins['forecast-cone']) });
      expect(b.describe('forecast-cone')?.stats).toMatchObject({
        cacheHits: 121,
        cacheMisses: 0,
        cacheHitRate: 1,
      });
      expect(second).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies the live recalibration to an RPC cone on request', async () => {
    const host = await loadedHost({ horizon: 5 });
    const closes = walkCloses(400, 6);
    await host.replay(closesToBars(closes));
    const raw = await host.rpc.call<ForecastResponse>(FORECAST_METHOD, { closes, horizon: 5 });
    const cal = await host.rpc.call<ForecastResponse>(FORECAST_METHOD, {
      closes,
      horizon: 5,
      recalibrate: true,
    });
    expect(cal.recalibrated).toBe(true);
    expect(cal.cached).toBe(true);
    expect(cal.p90).not.toEqual(raw.p90);
    const stats = host.describe('forecast-cone')?.stats as Record<string, Record<string, number>>;
    expect(stats.scored?.h1).toBe(400 - 30);
    expect(stats.coverage?.h1).toBeGreaterThan(0.7);
    expect(stats.coverage?.h1).toBeLessThan(0.9);
  });
});

describeWithSharedData('forecast-cone on SPY daily bars', () => {
  it('honours the contract on real bars', async () => {
    await expectPluginContract(createForecastCone, {
      bars: readCsvBars(sharedDataPath('SPY_1d.csv')),
      config: { every: 5 },
    });
  });
});
