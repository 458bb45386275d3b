import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from './closest-name.js';

describe('closestName', () => {
  it('suggests a likely typo and nothing for an unrelated word', () => {
    expect(closestName('plugn', ['plugin', 'config', 'enabled'])).toBe('plugin');
    expect(closestName('dta', ['config', 'data', 'symbol'])).toBe('data');
    expect(closestName('xyzzy', ['config', 'data', 'symbol'])).toBeUndefined();
    expect(closestName('a', [])).toBeUndefined();
  });

  it('property: an exact candidate is always the answer', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1 }), { minLength: 1 }), fc.nat(), (names, i) => {
        const name = names[i % names.length] as string;
        expect(closestName(name, names)?.toLowerCase()).toBe(name.toLowerCase());
      }),
    );
  });

  it('property: edit distance is a metric (symmetric, zero only on equal strings, triangle)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (a, b, c) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
        expect(editDistance(a, c)).toBeLessThanOrEqual(editDistance(a, b) + editDistance(b, c));
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});
