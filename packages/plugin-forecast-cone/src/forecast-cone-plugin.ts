import {
  definePlugin,
  type HostContext,
  type JsonObject,
  type JsonValue,
  type SensorReading,
} from '@keel/contract';
import { type ChronosModel, loadChronosModel } from './chronos-model.js';
import { CloseRing } from './close-ring.js';
import { type ConeModel, createConeModel } from './cone-model.js';
import { type ConeCalibrator, createConeCalibrator, type LogBands } from './conformal-calibrator.js';
import { type ForecastConeConfig, ForecastConeConfigSchema } from './config.js';
import { ForecastError } from './errors.js';
import { createForecastCache, type ForecastCache } from './forecast-cache.js';
import { MIN_CLOSES, MIN_GARCH_CLOSES, parseForecastRequest } from './forecast-request.js';
import { forecastKey } from './input-hash.js';
import { logReturns } from './log-returns.js';
import type { ConeModelName, ModelForecast, PriceCone } from './model-forecast.js';
import { toPriceCone } from './model-forecast.js';

/** What the `forecast-cone.forecast` RPC returns. */
export interface ForecastResponse extends JsonObject {
  /** Price levels for steps 1..horizon. */
  p10: number[];
  p50: number[];
  p90: number[];
  model: ConeModelName;
  horizon: number;
  /** The last close, the cone's origin. */
  last: number;
  /** Whether the live conformal adjustment was applied. */
  recalibrated: boolean;
  /** Whether the model forecast came from the cache. */
  cached: boolean;
}

/** The RPC method name. */
export const FORECAST_METHOD = 'forecast-cone.forecast';

interface LiveCone extends PriceCone {
  readonly origin: number;
}

/**
 * Creates the plugin. A factory, so each host gets its own history, model and calibration state.
 * - RPC `forecast-cone.forecast { closes, horizon, model?, recalibrate? }` → `{ p10, p50, p90, … }`;
 * - `onBar` keeps the recent closes, issues a cone every `every` bars, and is `active` when the
 *   close lands outside the p10–p90 band the last cone gave for this bar;
 * - model forecasts are cached through `ctx.cache` under a hash of their whole input.
 */
export function createForecastCone() {
  let config: ForecastConeConfig | undefined;
  let closes: CloseRing | undefined;
  let model: ConeModel | undefined;
  let chronos: ChronosModel | undefined;
  let calibrator: ConeCalibrator | undefined;
  let cache: ForecastCache | undefined;
  let scratch = new Float64Array(0);
  let index = 0;
  let firstForecast = -1;
  let issued = 0;
  let rpcCalls = 0;
  let live: LiveCone | null = null;

  const init = async (ctx: HostContext<ForecastConeConfig>) => {
    config = ctx.config;
    closes = new CloseRing(config.history);
    const name = config.model;
    model = name === 'chronos' ? undefined : createConeModel(name, config, 'stream');
    // Loaded once per host: a bad path or a missing runtime is a load error naming the field.
    chronos = config.chronos === undefined ? undefined : await loadChronosModel(config.chronos);
    calibrator = createConeCalibrator(config.horizon, config.calibration);
    cache = createForecastCache(ctx.cache, config.cacheTtlMs);
    scratch = new Float64Array(config.history);
  };

  const minCloses = (name: ConeModelName) => (name === 'garch' ? MIN_GARCH_CLOSES : MIN_CLOSES);
  const cone = (last: number, bands: LogBands): PriceCone => ({
    p10: bands.lo.map((q) => last * Math.exp(q)),
    p50: bands.mid.map((q) => last * Math.exp(q)),
    p90: bands.hi.map((q) => last * Math.exp(q)),
  });
  const reportSteps = (horizon: number) => [...new Set([1, Math.min(5, horizon), horizon])];

  return definePlugin({
    id: 'forecast-cone',
    name: 'Forecast cone',
    version: '0.1.0',
    category: 'ml',
    description:
      'p10/p50/p90 price cone (EWMA, GARCH(1,1), block bootstrap) with online conformal recalibration; active when the close leaves the cone.',
    layer: 'L3-ext',
    warmup: 0,
    window: 2,
    inputs: ['close'],
    outputs: ['forecast-cone.forecast'],
    config: ForecastConeConfigSchema,
    budget: { timeoutMs: 10_000 },

    async setup(ctx) {
      await init(ctx);
      ctx.rpc.register(FORECAST_METHOD, async (payload) => {
        rpcCalls++;
        const c = config!;
        const parsed = parseForecastRequest(payload, {
          maxHorizon: c.maxHorizon,
          maxCloses: c.maxCloses,
          defaultModel: c.model,
        });
        if (!parsed.ok) throw parsed.error;
        const { closes: series, horizon, model: name, recalibrate } = parsed.request;
        let params: JsonValue;
        let compute: () => ModelForecast | Promise<ModelForecast>;
        if (name === 'chronos') {
          const onnx = requireChronos();
          params = onnx.params;
          compute = () => onnx.forecast(series, horizon);
        } else {
          // Independent requests: GARCH is fitted on each call's own closes (the fit is cached with it).
          const m = createConeModel(name, c, 'per-call');
          const returns = logReturns(series);
          params = m.prepare(returns);
          compute = () => m.forecast(returns, horizon);
        }
        const key = forecastKey(series, 0, series.length, { horizon, model: name, params });
        const { forecast, hit } = await cache!.getOrCompute(key, compute);
        const last = series[series.length - 1]!;
        // The live adjustment is learned for this plugin's own model and steps; elsewhere it does not apply.
        const applies = recalibrate && c.calibration.enabled && name === c.model;
        const out = applies ? cone(last, calibrator!.bands(forecast)) : toPriceCone(last, forecast);
        const response: ForecastResponse = {
          ...out,
          model: name,
          horizon,
          last,
          recalibrated: applies,
          cached: hit,
        };
        return response;
      });
    },

    async onBar({ bar }) {
      const c = config!;
      const t = index++;
      const logClose = Math.log(bar.close);
      closes!.push(bar.close);
      calibrator!.realize(t, logClose);
      const reading = compare(t, bar.close);

      const need = minCloses(c.model);
      if (closes!.length < need) {
        reading.status = `collecting ${closes!.length}/${need} closes`;
        return reading;
      }
      if (firstForecast < 0) firstForecast = t;
      if ((t - firstForecast) % c.every === 0) {
        const view = closes!.view();
        let params: JsonValue;
        let compute: () => ModelForecast | Promise<ModelForecast>;
        if (model === undefined) {
          const onnx = requireChronos();
          params = onnx.params;
          compute = () => onnx.forecast(view, c.horizon);
        } else {
          const m = model;
          const returns = logReturns(view, 0, view.length, scratch);
          params = m.prepare(returns);
          compute = () => m.forecast(returns, c.horizon);
        }
        const key = forecastKey(view, 0, view.length, { horizon: c.horizon, model: c.model, params });
        try {
          const { forecast } = await cache!.getOrCompute(key, compute);
          const bands = calibrator!.issue(t, logClose, forecast);
          live = { origin: t, ...cone(bar.close, bands) };
          issued++;
        } catch (error) {
          // A flat stretch (every close equal) has no volatility: no cone until prices move again.
          if (!(error instanceof ForecastError && error.code === 'FORECAST_DEGENERATE_SERIES')) throw error;
          live = null;
          reading.status = `flat: the last ${view.length} closes never change, no cone`;
        }
      }
      reading.coverage = calibrator!.score(1).coverage;
      return reading;
    },

    describe() {
      const c = config!;
      const steps = () => reportSteps(c.horizon).map((k) => calibrator!.score(k));
      return {
        status: `${c.model} · ${c.horizon}-step cone · ${issued} issued · coverage ${(calibrator!.score(1).coverage * 100).toFixed(1)}% (target ${(c.calibration.coverage * 100).toFixed(0)}%)`,
        stats: {
          model: () => c.model,
          horizon: () => c.horizon,
          issued: () => issued,
          coverage: () => Object.fromEntries(steps().map((s) => [`h${s.step}`, round(s.coverage)])),
          coverageRaw: () => Object.fromEntries(steps().map((s) => [`h${s.step}`, round(s.coverageRaw)])),
          pinball: () => Object.fromEntries(steps().map((s) => [`h${s.step}`, round(s.pinball)])),
          scored: () => Object.fromEntries(steps().map((s) => [`h${s.step}`, s.scored])),
          cacheHits: () => cache!.hits,
          cacheMisses: () => cache!.misses,
          cacheHitRate: () => {
            const total = cache!.hits + cache!.misses;
            return total === 0 ? 0 : round(cache!.hits / total);
          },
          rpcCalls: () => rpcCalls,
          garch: () => {
            const p = model?.fitted() ?? null;
            return p === null ? null : { omega: p.omega, alpha: round(p.alpha), beta: round(p.beta) };
          },
          lastCone: () =>
            live === null
              ? null
              : ({ origin: live.origin, p10: live.p10, p50: live.p50, p90: live.p90 } as JsonValue),
        },
      };
    },

    async dispose() {
      await chronos?.dispose();
    },

    reset() {
      closes?.clear();
      model?.reset();
      calibrator?.reset();
      index = 0;
      firstForecast = -1;
      issued = 0;
      live = null;
    },
  });

  function requireChronos(): ChronosModel {
    if (chronos !== undefined) return chronos;
    throw new ForecastError('FORECAST_MODEL_UNAVAILABLE', 'model "chronos" is not configured on this host', {
      field: 'model',
      value: 'chronos',
      hint: 'set the plugin config chronos.modelPath to a Chronos-Bolt ONNX file',
    });
  }

  /** The reading for close `close` on bar `t`, against the band the live cone gave for it. */
  function compare(t: number, close: number): SensorReading & Record<string, JsonValue> {
    const k = live === null ? 0 : t - live.origin;
    const p10 = live?.p10[k - 1];
    const p50 = live?.p50[k - 1];
    const p90 = live?.p90[k - 1];
    if (p10 === undefined || p50 === undefined || p90 === undefined) {
      return {
        active: false,
        score: 0,
        status: 'no cone for this bar',
        step: null,
        p10: null,
        p50: null,
        p90: null,
      };
    }
    const half = Math.log(p90 / p10) / 2;
    const excess = close > p90 ? Math.log(close / p90) : close < p10 ? Math.log(p10 / close) : 0;
    const active = excess > 0;
    const side = close > p90 ? 'above p90' : 'below p10';
    return {
      active,
      // 0 inside; half the band's half-width out gives 1/3, one half-width 1/2, approaching 1 far out.
      score: active ? excess / (excess + half) : 0,
      status: active ? `${side} by ${(excess * 100).toFixed(2)}% (step ${k})` : `inside p10–p90 (step ${k})`,
      step: k,
      p10,
      p50,
      p90,
    };
  }
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
