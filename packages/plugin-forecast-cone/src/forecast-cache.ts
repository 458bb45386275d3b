import type { Cache, JsonValue } from '@keel/contract';
import { z } from 'zod';
import { CONE_MODEL_NAMES, type ModelForecast } from './model-forecast.js';

const finite = z.array(z.number());

/** A cached model forecast, checked on the way out of the cache like any other input. */
const CachedForecastSchema = z.object({
  model: z.enum(CONE_MODEL_NAMES),
  horizon: z.number().int().positive(),
  center: finite,
  scale: z.array(z.number().positive()),
  q10: finite,
  q50: finite,
  q90: finite,
});

export interface ForecastCache {
  /** The cached forecast for `key`, or `compute()`'s, which is then cached. */
  getOrCompute(
    key: string,
    compute: () => ModelForecast | Promise<ModelForecast>,
  ): Promise<{ forecast: ModelForecast; hit: boolean }>;
  readonly hits: number;
  readonly misses: number;
}

export const FORECAST_NAMESPACE = 'forecast';

/**
 * Model forecasts cached through the host's plugin cache (SQLite or Redis, shared across runs).
 * An entry that does not parse as a forecast of the requested horizon counts as a miss and is
 * overwritten, so a stale or foreign value can never become a cone.
 */
export function createForecastCache(cache: Cache, ttlMs?: number): ForecastCache {
  let hits = 0;
  let misses = 0;
  const putOptions = ttlMs === undefined ? undefined : { ttlMs };
  return {
    async getOrCompute(key, compute) {
      const stored = CachedForecastSchema.safeParse(await cache.get(FORECAST_NAMESPACE, key));
      if (stored.success && stored.data.center.length === stored.data.horizon) {
        hits++;
        return { forecast: stored.data, hit: true };
      }
      misses++;
      const forecast = await compute();
      await cache.put(FORECAST_NAMESPACE, key, forecast as unknown as JsonValue, putOptions);
      return { forecast, hit: false };
    },
    get hits() {
      return hits;
    },
    get misses() {
      return misses;
    },
  };
}
