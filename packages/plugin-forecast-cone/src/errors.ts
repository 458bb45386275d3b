import { KeelError } from '@keel/contract';

/**
 * Every code a forecast-cone error can carry, with what it means. Codes are permanent: callers
 * switch on them, so a code is never renamed or reused for something else.
 */
export const FORECAST_ERROR_CODES = {
  /** The RPC payload or a model option is not the expected shape (wrong type, unknown key). */
  FORECAST_INVALID_PAYLOAD: 'the payload is not { closes, horizon, model?, recalibrate? }',
  /** Fewer closes than the model needs to estimate a volatility. */
  FORECAST_TOO_FEW_CLOSES: 'not enough closes for the model',
  /** More closes than one request may carry. */
  FORECAST_TOO_MANY_CLOSES: 'too many closes in one request',
  /** A close is zero, negative or not finite: log returns are undefined. */
  FORECAST_NON_POSITIVE_PRICE: 'a close is not a positive finite price',
  /** `horizon` is not an integer within 1..maxHorizon. */
  FORECAST_HORIZON_OUT_OF_RANGE: 'horizon outside the allowed range',
  /** `model` names no model this plugin knows. */
  FORECAST_UNKNOWN_MODEL: 'unknown model name',
  /** `chronos` was asked for but is not configured, `onnxruntime-node` is missing, or the file does not load. */
  FORECAST_MODEL_UNAVAILABLE: 'the ONNX model cannot be used',
  /** The ONNX model's output is not Chronos-Bolt's `[batch, quantiles, steps]` of positive prices. */
  FORECAST_MODEL_OUTPUT: 'the ONNX model output breaks the contract',
  /** The series has no variation (all returns zero), so no volatility can be fitted. */
  FORECAST_DEGENERATE_SERIES: 'the closes never change',
} as const;

export type ForecastErrorCode = keyof typeof FORECAST_ERROR_CODES;

/** Errors of `@keel/plugin-forecast-cone`: a stable `code`, the offending `field`/`value`, a `hint`. */
export class ForecastError extends KeelError<ForecastErrorCode> {}
