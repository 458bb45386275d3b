import type { JsonValue } from '@keel/contract';
import { type BootstrapOptions, bootstrapForecast, DEFAULT_BOOTSTRAP } from './bootstrap-model.js';
import { DEFAULT_EWMA, type EwmaOptions, ewmaForecast } from './ewma-model.js';
import { fitGarch, type GarchParams, garchForecast } from './garch-model.js';
import type { ModelForecast, ModelName } from './model-forecast.js';

export interface GarchModelOptions {
  /** On a stream (bars, backtest), refit the parameters every this many forecasts (default 20). */
  readonly refitEvery: number;
  /** Nelder–Mead iteration cap per start (default 400). */
  readonly maxIterations: number;
}

export const DEFAULT_GARCH: GarchModelOptions = { refitEvery: 20, maxIterations: 400 };

/** Options of every model; each model reads its own part. */
export interface ModelOptions {
  readonly ewma: EwmaOptions;
  readonly garch: GarchModelOptions;
  readonly bootstrap: BootstrapOptions;
}

export const DEFAULT_MODEL_OPTIONS: ModelOptions = {
  ewma: DEFAULT_EWMA,
  garch: DEFAULT_GARCH,
  bootstrap: DEFAULT_BOOTSTRAP,
};

/**
 * One model as a forecaster over a sequence of windows. `prepare` is called first for each
 * forecast and returns what, besides the returns and the horizon, decides it (the cache key's
 * params); for GARCH on a stream it is also where a due refit happens, so a cache hit skips the
 * forecast but never the refit schedule, and a replay refits on the same bars.
 */
export interface ConeModel {
  readonly name: ModelName;
  prepare(returns: Float64Array): JsonValue;
  forecast(returns: Float64Array, horizon: number): ModelForecast;
  /** Forgets fitted state (GARCH parameters and the refit counter). */
  reset(): void;
  /** The GARCH parameters in use (null before the first fit, or for another model). */
  fitted(): GarchParams | null;
}

/**
 * Creates a model. `stream` keeps fitted GARCH parameters between forecasts (refit every
 * `garch.refitEvery`); `per-call` fits on every forecast, for independent requests such as the RPC.
 */
export function createConeModel(
  name: ModelName,
  options: ModelOptions = DEFAULT_MODEL_OPTIONS,
  mode: 'stream' | 'per-call' = 'stream',
): ConeModel {
  switch (name) {
    case 'ewma': {
      const params = { lambda: options.ewma.lambda, seedReturns: options.ewma.seedReturns };
      return stateless(name, params, (r, h) => ewmaForecast(r, h, options.ewma));
    }
    case 'bootstrap': {
      const b = options.bootstrap;
      const params = { blockLength: b.blockLength, paths: b.paths, seed: b.seed };
      return stateless(name, params, (r, h) => bootstrapForecast(r, h, b));
    }
    case 'garch':
      return mode === 'per-call' ? garchPerCall(options.garch) : garchStream(options.garch);
  }
}

function stateless(
  name: ModelName,
  params: JsonValue,
  run: (returns: Float64Array, horizon: number) => ModelForecast,
): ConeModel {
  return {
    name,
    prepare: () => params,
    forecast: run,
    reset() {},
    fitted: () => null,
  };
}

function garchPerCall(options: GarchModelOptions): ConeModel {
  let last: GarchParams | null = null;
  return {
    name: 'garch',
    prepare: () => ({ fit: 'per-call', maxIterations: options.maxIterations }),
    forecast(returns, horizon) {
      last = fitGarch(returns, { maxIterations: options.maxIterations });
      return garchForecast(returns, last, horizon);
    },
    reset() {
      last = null;
    },
    fitted: () => last,
  };
}

function garchStream(options: GarchModelOptions): ConeModel {
  let params: GarchParams | null = null;
  let sinceFit = 0;
  return {
    name: 'garch',
    prepare(returns) {
      if (params === null || sinceFit >= options.refitEvery) {
        const fit = fitGarch(returns, { maxIterations: options.maxIterations });
        params = { omega: fit.omega, alpha: fit.alpha, beta: fit.beta };
        sinceFit = 0;
      }
      sinceFit++;
      return { omega: params.omega, alpha: params.alpha, beta: params.beta };
    },
    forecast(returns, horizon) {
      if (params === null) this.prepare(returns);
      return garchForecast(returns, params!, horizon);
    },
    reset() {
      params = null;
      sinceFit = 0;
    },
    fitted: () => params,
  };
}
