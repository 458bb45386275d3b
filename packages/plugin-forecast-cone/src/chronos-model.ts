import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { JsonValue } from '@keel/contract';
import { ForecastError } from './errors.js';
import type { ModelForecast } from './model-forecast.js';
import { normalQuantile } from './normal-quantile.js';

/** Where the ONNX model is and how its tensors are named (defaults: Chronos-Bolt's ONNX export). */
export interface ChronosOptions {
  /** Path of the `.onnx` file. */
  readonly modelPath: string;
  /** Input tensor: float32 `[batch, context]`, raw values (Chronos-Bolt scales inside the model). */
  readonly inputName: string;
  /** Output tensor: float32 `[batch, quantiles, steps]`, forecast values in the input's units. */
  readonly outputName: string;
  /** Quantile levels of the output's second axis, ascending; must include 0.1, 0.5 and 0.9. */
  readonly quantiles: readonly number[];
  /** Most recent closes fed as context (Chronos-Bolt was trained with up to 2048). */
  readonly contextLength: number;
}

export const CHRONOS_BOLT_QUANTILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;

/** The part of `onnxruntime-node` this module uses. */
interface OrtModule {
  InferenceSession: { create(path: string): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
}
interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
  release?(): Promise<void>;
}

/** A loaded Chronos-style ONNX model. */
export interface ChronosModel {
  /** What decides its forecasts besides the closes and horizon (part of the cache key). */
  readonly params: JsonValue;
  /** Steps the model predicts per run (the output's last axis), known after the first run. */
  steps(): number | null;
  forecast(closes: ArrayLike<number>, horizon: number): Promise<ModelForecast>;
  dispose(): Promise<void>;
}

const Z90 = normalQuantile(0.9);

/**
 * Loads an ONNX time-series model with Chronos-Bolt's input/output contract through the optional
 * peer `onnxruntime-node` (imported only here, so the package works without it). The file's size and
 * modification time join the cache key, so replacing the model never serves its predecessor's cones.
 * Errors name the path, never the file's contents.
 */
export async function loadChronosModel(
  options: ChronosOptions,
  runtime = 'onnxruntime-node',
): Promise<ChronosModel> {
  const file = path.resolve(options.modelPath);
  const levels = [0.1, 0.5, 0.9].map((q) => options.quantiles.findIndex((x) => Math.abs(x - q) < 1e-9));
  if (levels.some((i) => i < 0)) {
    throw new ForecastError(
      'FORECAST_MODEL_UNAVAILABLE',
      `chronos.quantiles must include 0.1, 0.5 and 0.9, got ${JSON.stringify(options.quantiles)}`,
      {
        field: 'chronos.quantiles',
        value: options.quantiles,
        hint: 'list the levels of the output axis 1, e.g. 0.1 … 0.9',
      },
    );
  }
  const [i10, i50, i90] = levels as [number, number, number];
  let ort: OrtModule;
  try {
    ort = (await import(runtime)) as OrtModule;
  } catch (cause) {
    throw new ForecastError('FORECAST_MODEL_UNAVAILABLE', `chronos: ${runtime} is not installed`, {
      field: 'model',
      value: 'chronos',
      hint: 'ONNXRUNTIME_NODE_INSTALL=skip npm i onnxruntime-node (the npm package carries the CPU binaries)',
      cause,
    });
  }
  let info: { size: number; mtimeMs: number };
  let session: OrtSession;
  try {
    info = await stat(file);
    session = await ort.InferenceSession.create(file);
  } catch (cause) {
    throw new ForecastError('FORECAST_MODEL_UNAVAILABLE', `chronos.modelPath: cannot load ${file}`, {
      field: 'chronos.modelPath',
      value: file,
      hint: 'point chronos.modelPath at a readable ONNX file (a Chronos-Bolt export)',
      cause,
    });
  }
  for (const [name, list, field] of [
    [options.inputName, session.inputNames, 'chronos.inputName'],
    [options.outputName, session.outputNames, 'chronos.outputName'],
  ] as const) {
    if (!list.includes(name)) {
      throw new ForecastError(
        'FORECAST_MODEL_UNAVAILABLE',
        `${field}: the model has no tensor ${JSON.stringify(name)} (it has ${list.join(', ')})`,
        { field, value: name, hint: `set ${field} to one of ${list.join(', ')}` },
      );
    }
  }

  let steps: number | null = null;
  const params = {
    file: path.basename(file),
    size: info.size,
    mtimeMs: info.mtimeMs,
    contextLength: options.contextLength,
    quantiles: [...options.quantiles],
  };

  return {
    params,
    steps: () => steps,
    async forecast(closes, horizon) {
      const n = Math.min(closes.length, options.contextLength);
      const context = new Float32Array(n);
      for (let i = 0; i < n; i++) context[i] = closes[closes.length - n + i]!;
      const out = await session.run({ [options.inputName]: new ort.Tensor('float32', context, [1, n]) });
      const tensor = out[options.outputName];
      const dims = tensor?.dims ?? [];
      const data = tensor?.data;
      const q = options.quantiles.length;
      if (!(data instanceof Float32Array) || dims.length !== 3 || dims[0] !== 1 || dims[1] !== q) {
        throw new ForecastError(
          'FORECAST_MODEL_OUTPUT',
          `chronos: ${options.outputName} has dims [${dims.join(', ')}], expected float32 [1, ${q}, steps]`,
          {
            field: 'chronos.outputName',
            value: [...dims],
            hint: 'the output must be [batch, quantiles, steps]',
          },
        );
      }
      const available = dims[2]!;
      steps = available;
      if (horizon > available) {
        throw new ForecastError(
          'FORECAST_HORIZON_OUT_OF_RANGE',
          `horizon ${horizon} is beyond the ${available} steps the chronos model predicts`,
          { field: 'horizon', value: horizon, hint: `ask chronos for at most ${available} steps` },
        );
      }
      const last = closes[closes.length - 1]!;
      const center: number[] = new Array(horizon);
      const scale: number[] = new Array(horizon);
      const q10: number[] = new Array(horizon);
      const q50: number[] = new Array(horizon);
      const q90: number[] = new Array(horizon);
      for (let k = 0; k < horizon; k++) {
        const at = (i: number) => data[i * available + k]!;
        const values = [at(i10), at(i50), at(i90)];
        if (!values.every((v) => v > 0 && Number.isFinite(v))) {
          throw new ForecastError(
            'FORECAST_MODEL_OUTPUT',
            `chronos: step ${k + 1} quantiles ${JSON.stringify(values)} are not positive prices`,
            { field: 'chronos.outputName', value: values },
          );
        }
        // Quantile crossing is possible in a learned model: sort, so p10 ≤ p50 ≤ p90 always holds.
        const [lo, mid, hi] = values.map((v) => Math.log(v / last)).sort((a, b) => a - b) as [
          number,
          number,
          number,
        ];
        q10[k] = lo;
        q50[k] = mid;
        q90[k] = hi;
        center[k] = mid;
        // The spread a normal with the same p10–p90 would have: what the recalibration standardizes by.
        scale[k] = Math.max((hi - lo) / (2 * Z90), 1e-12);
      }
      return { model: 'chronos', horizon, center, scale, q10, q50, q90 };
    },
    async dispose() {
      await session.release?.();
    },
  };
}
