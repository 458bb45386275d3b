import { createForecastCone } from './forecast-cone-plugin.js';

export type { BacktestOptions, BacktestResult } from './backtest-cone.js';
export { backtestCone } from './backtest-cone.js';
export type { BootstrapOptions } from './bootstrap-model.js';
export { bootstrapForecast } from './bootstrap-model.js';
export type { ChronosModel, ChronosOptions } from './chronos-model.js';
export { CHRONOS_BOLT_QUANTILES, loadChronosModel } from './chronos-model.js';
export type { ConeModel, GarchModelOptions, ModelOptions } from './cone-model.js';
export { createConeModel, DEFAULT_MODEL_OPTIONS } from './cone-model.js';
export type { CalibrationOptions, ConeCalibrator, LogBands, StepScore } from './conformal-calibrator.js';
export { createConeCalibrator, DEFAULT_CALIBRATION } from './conformal-calibrator.js';
export type { ForecastConeConfig } from './config.js';
export { ForecastConeConfigSchema } from './config.js';
export type { ForecastErrorCode } from './errors.js';
export { FORECAST_ERROR_CODES, ForecastError } from './errors.js';
export type { EwmaOptions } from './ewma-model.js';
export { ewmaForecast, ewmaVariance, RISKMETRICS_LAMBDA } from './ewma-model.js';
export type { ForecastResponse } from './forecast-cone-plugin.js';
export { createForecastCone, FORECAST_METHOD } from './forecast-cone-plugin.js';
export type { ForecastRequest, ForecastRequestParse, RequestLimits } from './forecast-request.js';
export {
  ForecastRequestSchema,
  MIN_CLOSES,
  MIN_GARCH_CLOSES,
  parseForecastRequest,
} from './forecast-request.js';
export type { GarchFit, GarchFitOptions, GarchParams } from './garch-model.js';
export { fitGarch, garchCumulativeVariance, garchForecast, garchLogLikelihood } from './garch-model.js';
export type { ConeModelName, ModelForecast, ModelName, PriceCone } from './model-forecast.js';
export { CONE_MODEL_NAMES, MODEL_NAMES, toPriceCone } from './model-forecast.js';
export { normalQuantile } from './normal-quantile.js';
export { conePinball, pinballLoss } from './pinball.js';
/** A factory: the host calls it once per host, so every host gets its own state. */
export default createForecastCone;
