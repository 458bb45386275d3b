import { formatValue } from '@keel/contract';
import { z } from 'zod';
import { ForecastError, type ForecastErrorCode } from './errors.js';
import { CONE_MODEL_NAMES, type ConeModelName } from './model-forecast.js';

/** Fewest closes any model accepts (29 returns: enough for an EWMA seed). */
export const MIN_CLOSES = 30;
/** Fewest closes for GARCH: three parameters by likelihood need a longer sample. */
export const MIN_GARCH_CLOSES = 100;

export interface RequestLimits {
  readonly maxHorizon: number;
  readonly maxCloses: number;
  readonly defaultModel: ConeModelName;
}

/** The `forecast` RPC payload. */
export const ForecastRequestSchema = z.strictObject({
  /** Closes, oldest first. */
  closes: z.array(z.number()),
  /** Steps to forecast (bars ahead). */
  horizon: z.number(),
  model: z.string().optional(),
  /** Apply the live conformal adjustment learned on this host's bars (default false). */
  recalibrate: z.boolean().optional(),
});

export interface ForecastRequest {
  readonly closes: readonly number[];
  readonly horizon: number;
  readonly model: ConeModelName;
  readonly recalibrate: boolean;
}

export type ForecastRequestParse =
  | { ok: true; request: ForecastRequest }
  | { ok: false; error: ForecastError };

/**
 * Validates a `forecast` payload: the shape with zod, then the domain rules, each with its own
 * code so a caller can tell a short series from a bad price from a bad horizon. Never throws.
 */
export function parseForecastRequest(payload: unknown, limits: RequestLimits): ForecastRequestParse {
  const shape = ForecastRequestSchema.safeParse(payload);
  if (!shape.success) {
    const issue = shape.error.issues[0]!;
    const field = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('');
    const name = field.startsWith('.') ? field.slice(1) : field || 'payload';
    const value = valueAt(payload, issue.path);
    const got = value === undefined ? '' : ` (got ${formatValue(value)})`;
    return fail('FORECAST_INVALID_PAYLOAD', name, value, `${name}: ${issue.message}${got}`, {
      hint: 'send { closes: number[], horizon: integer, model?: "ewma" | "garch" | "bootstrap" | "chronos" }',
    });
  }
  const { closes, horizon } = shape.data;
  const model = shape.data.model ?? limits.defaultModel;
  if (!(CONE_MODEL_NAMES as readonly string[]).includes(model)) {
    return fail(
      'FORECAST_UNKNOWN_MODEL',
      'model',
      model,
      `model ${formatValue(model)} is not one of ${CONE_MODEL_NAMES.join(', ')}`,
      {
        hint: `use one of ${CONE_MODEL_NAMES.join(', ')}`,
      },
    );
  }
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > limits.maxHorizon) {
    return fail(
      'FORECAST_HORIZON_OUT_OF_RANGE',
      'horizon',
      horizon,
      `horizon must be an integer in 1..${limits.maxHorizon}, got ${formatValue(horizon)}`,
      { hint: `ask for 1 to ${limits.maxHorizon} steps (config maxHorizon)` },
    );
  }
  const needed = model === 'garch' ? MIN_GARCH_CLOSES : MIN_CLOSES;
  if (closes.length < needed) {
    return fail(
      'FORECAST_TOO_FEW_CLOSES',
      'closes',
      closes.length,
      `closes: ${model} needs at least ${needed} closes, got ${closes.length}`,
      { hint: `send at least ${needed} closes, oldest first` },
    );
  }
  if (closes.length > limits.maxCloses) {
    return fail(
      'FORECAST_TOO_MANY_CLOSES',
      'closes',
      closes.length,
      `closes: at most ${limits.maxCloses} closes per request, got ${closes.length}`,
      { hint: 'send only the recent history the model needs' },
    );
  }
  for (let i = 0; i < closes.length; i++) {
    const c = closes[i]!;
    if (!(c > 0 && Number.isFinite(c))) {
      return fail(
        'FORECAST_NON_POSITIVE_PRICE',
        `closes[${i}]`,
        c,
        `closes[${i}] must be a positive finite price, got ${formatValue(c)}`,
        { hint: 'prices must be above zero: log returns of zero or negative prices are undefined' },
      );
    }
  }
  return {
    ok: true,
    request: { closes, horizon, model: model as ConeModelName, recalibrate: shape.data.recalibrate ?? false },
  };
}

function fail(
  code: ForecastErrorCode,
  field: string,
  value: unknown,
  message: string,
  extra: { hint?: string } = {},
): { ok: false; error: ForecastError } {
  return {
    ok: false,
    error: new ForecastError(code, message, {
      field,
      ...(value === undefined ? {} : { value }),
      ...extra,
    }),
  };
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur = input;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}
