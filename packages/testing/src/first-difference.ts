import { isDeepStrictEqual } from 'node:util';
import { formatValue } from '@keel/contract';

/**
 * Where two runs first disagree, as a short sentence for a report (`bar 17: expected …, got …`),
 * or `undefined` when they are equal. Only the first difference is named: later ones usually
 * follow from it.
 */
export function firstDifference(
  expected: readonly unknown[],
  actual: readonly unknown[],
  item = 'bar',
): string | undefined {
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (!isDeepStrictEqual(expected[i], actual[i])) {
      return `${item} ${i}: expected ${formatValue(expected[i], 120)}, got ${formatValue(actual[i], 120)}`;
    }
  }
  if (expected.length !== actual.length) {
    return `expected ${expected.length} ${item}s, got ${actual.length}`;
  }
  return undefined;
}
