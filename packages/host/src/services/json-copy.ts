import type { JsonValue } from '@keel/contract';

/**
 * A deep-frozen private copy of a JSON-safe value, so that one receiver can neither mutate what
 * another sees nor the sender's own object. Primitives are returned as they are (no allocation).
 */
export function frozenJsonCopy<T extends JsonValue>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  return deepFreeze(structuredClone(value));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
