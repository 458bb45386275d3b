import { MAX_STATUS_LENGTH, validateReading } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { sanitizeReading } from './readings.js';

// The fast path must accept exactly what `validateReading` accepts and report its messages.
describe('sanitizeReading', () => {
  const sym = Symbol('s');
  const cases: Array<[string, unknown]> = [
    ['flat', { active: true, score: 0.5, status: 'ok' }],
    ['primitive extras', { active: false, score: 0, status: 'x', n: 1.5, s: 'a', b: true, z: null }],
    ['score 1 and -0', { active: false, score: -0, status: 'x', top: 1 }],
    ['status at the limit', { active: false, score: 1, status: 'x'.repeat(MAX_STATUS_LENGTH) }],
    ['status over the limit', { active: false, score: 1, status: 'x'.repeat(MAX_STATUS_LENGTH + 1) }],
    ['NaN score', { active: false, score: Number.NaN, status: 'x' }],
    ['score above 1', { active: false, score: 1.0000001, status: 'x' }],
    ['missing active', { score: 0, status: 'x' }],
    ['NaN extra', { active: false, score: 0, status: 'x', atr: Number.NaN }],
    ['Infinity extra', { active: false, score: 0, status: 'x', atr: Number.NEGATIVE_INFINITY }],
    ['undefined extra', { active: false, score: 0, status: 'x', u: undefined }],
    ['BigInt extra', { active: false, score: 0, status: 'x', big: 1n }],
    ['function extra', { active: false, score: 0, status: 'x', f: () => 1 }],
    ['symbol extra', { active: false, score: 0, status: 'x', sy: sym }],
    ['nested extra', { active: false, score: 0, status: 'x', tags: ['a', { k: 1 }] }],
    ['nested NaN', { active: false, score: 0, status: 'x', deep: { v: [1, Number.NaN] } }],
    ['null prototype', Object.assign(Object.create(null), { active: true, score: 1, status: 'x' })],
  ];
  it.each(cases)('agrees with validateReading: %s', (_name, value) => {
    const out = sanitizeReading(value, false);
    const check = validateReading(value);
    if (check.ok) {
      expect(typeof out).toBe('object');
      expect(out).not.toBe(value);
      expect(JSON.parse(JSON.stringify(out))).toEqual(JSON.parse(JSON.stringify(value)));
    } else {
      expect(out).toBe(check.message);
    }
  });

  it('clones and freezes container extras, freezes the copy only when asked', () => {
    const value = { active: true, score: 1, status: 'x', tags: ['a'], n: 2 };
    const out = sanitizeReading(value, false);
    if (typeof out === 'string') throw new Error(out);
    expect(out.tags).not.toBe(value.tags);
    expect(Object.isFrozen(out.tags)).toBe(true);
    expect(Object.isFrozen(out)).toBe(false);
    const frozen = sanitizeReading({ active: true, score: 1, status: 'x', n: 2 }, true);
    expect(Object.isFrozen(frozen)).toBe(true);
  });
});
