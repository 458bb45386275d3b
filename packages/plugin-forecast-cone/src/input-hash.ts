import { createHash } from 'node:crypto';
import type { JsonValue } from '@keel/contract';

/**
 * Cache key of a forecast: SHA-256 over the closes' exact float64 bytes and the JSON of
 * everything else that decides the result (horizon, model, params). Two inputs share a key only
 * if they would produce the same forecast; 32 hex characters (128 bits) keep keys short.
 */
export function forecastKey(
  closes: ArrayLike<number>,
  from: number,
  to: number,
  rest: { horizon: number; model: string; params: JsonValue },
): string {
  const hash = createHash('sha256');
  const bytes = new Float64Array(to - from);
  for (let i = from; i < to; i++) bytes[i - from] = closes[i]!;
  hash.update(new Uint8Array(bytes.buffer));
  hash.update(JSON.stringify([rest.horizon, rest.model, rest.params]));
  return hash.digest('hex').slice(0, 32);
}
