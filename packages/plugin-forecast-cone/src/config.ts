import { z } from 'zod';
import { MIN_CLOSES } from './forecast-request.js';
import { CHRONOS_BOLT_QUANTILES } from './chronos-model.js';
import { CONE_MODEL_NAMES } from './model-forecast.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** The plugin's options (app config). Every field has a default. */
export const ForecastConeConfigSchema = z
  .object({
    /** Model of the bar-by-bar cone, and of RPC calls that name none. */
    model: z.enum(CONE_MODEL_NAMES).default('ewma'),
    /** Steps of the cone issued on bars. */
    horizon: int(1, 250).default(20),
    /** Issue a cone every this many bars. */
    every: int(1, 100_000).default(1),
    /** Closes kept and used per forecast on bars. */
    history: int(MIN_CLOSES, 20_000).default(500),
    /** Largest horizon the RPC accepts. */
    maxHorizon: int(1, 2_000).default(250),
    /** Most closes one RPC request may carry. */
    maxCloses: int(MIN_CLOSES, 200_000).default(20_000),
    /** Lifetime of cached forecasts (default: no expiry; the key changes when the input does). */
    cacheTtlMs: z.number().int().positive().optional(),
    ewma: z
      .object({
        /** RiskMetrics decay λ. */
        lambda: z.number().gt(0).lt(1).default(0.94),
        /** Returns whose mean square seeds the EWMA. */
        seedReturns: int(1, 1_000).default(30),
      })
      .prefault({}),
    garch: z
      .object({
        /** On bars, refit the parameters every this many forecasts. */
        refitEvery: int(1, 100_000).default(20),
        maxIterations: int(20, 10_000).default(400),
      })
      .prefault({}),
    bootstrap: z
      .object({
        blockLength: int(1, 250).default(10),
        paths: int(50, 20_000).default(500),
        seed: int(0, 0xffff_ffff).default(1),
      })
      .prefault({}),
    calibration: z
      .object({
        enabled: z.boolean().default(true),
        /** Target p10–p90 coverage. */
        coverage: z.number().gt(0.5).lt(1).default(0.8),
        /** ACI step size γ. */
        gamma: z.number().positive().max(0.2).default(0.005),
        /** Recent standardized errors kept per step. */
        window: int(20, 10_000).default(250),
        /** Errors a step needs before its band uses their quantiles. */
        minScores: int(5, 10_000).default(30),
      })
      .prefault({}),
    /** An ONNX model with Chronos-Bolt's contract (needs the optional peer `onnxruntime-node`). */
    chronos: z
      .object({
        modelPath: z.string().min(1),
        inputName: z.string().min(1).default('context'),
        outputName: z.string().min(1).default('quantile_preds'),
        quantiles: z
          .array(z.number().gt(0).lt(1))
          .min(3)
          .default([...CHRONOS_BOLT_QUANTILES])
          .refine((q) => [0.1, 0.5, 0.9].every((x) => q.some((y) => Math.abs(x - y) < 1e-9)), {
            message: 'must include 0.1, 0.5 and 0.9',
          }),
        contextLength: int(8, 8192).default(512),
      })
      .optional(),
  })
  .refine((c) => c.model !== 'chronos' || c.chronos !== undefined, {
    message: 'model "chronos" needs chronos.modelPath',
    path: ['chronos'],
  });

export type ForecastConeConfig = z.output<typeof ForecastConeConfigSchema>;
