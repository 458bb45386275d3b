import {
  type CalibrationOptions,
  createConeCalibrator,
  DEFAULT_CALIBRATION,
  type StepScore,
} from './conformal-calibrator.js';
import { createConeModel, DEFAULT_MODEL_OPTIONS, type ModelOptions } from './cone-model.js';
import { logReturns } from './log-returns.js';
import type { ModelName } from './model-forecast.js';

export interface BacktestOptions {
  readonly model?: ModelName;
  /** Steps to report (default [1, 5, 20]); the cone is forecast to the largest. */
  readonly steps?: readonly number[];
  /** Closes each forecast sees, at most (default 500). */
  readonly history?: number;
  /** Closes before the first origin (default 250). */
  readonly minHistory?: number;
  /** Forecast every this many bars (default 1). */
  readonly every?: number;
  readonly modelOptions?: ModelOptions;
  readonly calibration?: CalibrationOptions;
}

export interface BacktestResult {
  readonly model: ModelName;
  /** Origins forecast from. */
  readonly origins: number;
  readonly steps: StepScore[];
}

/**
 * Rolling-origin evaluation of the cone over a close series, exactly as the plugin runs on bars:
 * at every origin the model sees at most `history` closes up to and including it (never a later
 * one), the calibrator scores the forecasts whose outcome is this close, then issues the next
 * cone. Reports raw and recalibrated p10–p90 coverage and pinball loss per requested step.
 */
export function backtestCone(closes: ArrayLike<number>, options: BacktestOptions = {}): BacktestResult {
  const name = options.model ?? 'ewma';
  const steps = options.steps ?? [1, 5, 20];
  const horizon = Math.max(...steps);
  const history = options.history ?? 500;
  const minHistory = options.minHistory ?? 250;
  const every = options.every ?? 1;
  const model = createConeModel(name, options.modelOptions ?? DEFAULT_MODEL_OPTIONS, 'stream');
  const calibrator = createConeCalibrator(horizon, options.calibration ?? DEFAULT_CALIBRATION);
  const returns = logReturns(closes);
  let origins = 0;
  for (let t = minHistory - 1; t < closes.length; t++) {
    const logPrice = Math.log(closes[t]!);
    calibrator.realize(t, logPrice);
    if (t === closes.length - 1 || (t - minHistory + 1) % every !== 0) continue;
    // Returns 0..t-1 end at close t; the window holds the last `history - 1` of them.
    const window = returns.subarray(Math.max(0, t - history + 1), t);
    model.prepare(window);
    calibrator.issue(t, logPrice, model.forecast(window, horizon));
    origins++;
  }
  return { model: name, origins, steps: steps.map((k) => calibrator.score(k)) };
}
