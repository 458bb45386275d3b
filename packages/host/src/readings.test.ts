import { MAX_STATUS_LENGTH, validateReading } from '@keel/contract';
import fc from 'fast-check';
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
    ['required keys last', { n: 1, status: 'x', score: 0.5, active: true }],
    ['required keys reordered', { active: true, status: 'x', score: 0.5, extra: 'e' }],
    [
      'class instance',
      new (class R {
        active = true;
        score = 1;
        status = 'x';
      })(),
    ],
    ['Date', new Date(0)],
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

  it('keeps the plugin’s key order and reads own keys only, whichever path the reading takes', () => {
    const base = { inherited: 1 };
    const heir = Object.assign(Object.create(base), { active: true, score: 0.5, status: 'x', own: 2 });
    const out = sanitizeReading(heir, false);
    if (typeof out === 'string') throw new Error(out);
    expect(Object.keys(out)).toEqual(['active', 'score', 'status', 'own']);
    const reordered = sanitizeReading({ z: null, status: 'x', active: false, score: 0 }, false);
    expect(Object.keys(reordered as object)).toEqual(['z', 'status', 'active', 'score']);
  });

  it('accepts exactly what validateReading accepts, for readings of any shape and key order', () => {
    const anyValue = fc.oneof(
      fc.boolean(),
      fc.double(),
      fc.constantFrom(0, 1, 0.5, -0, Number.NaN, Number.POSITIVE_INFINITY, 2, -1),
      fc.string({ maxLength: 8 }),
      fc.constant(null),
      fc.constant(undefined),
      fc.bigInt(),
      fc.array(fc.oneof(fc.integer(), fc.double()), { maxLength: 2 }),
      fc.dictionary(fc.string({ maxLength: 2 }), fc.oneof(fc.integer(), fc.double()), { maxKeys: 2 }),
    );
    const required = fc.record(
      {
        active: fc.oneof(fc.boolean(), anyValue),
        score: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), anyValue),
        status: fc.oneof(fc.string({ maxLength: 12 }), anyValue),
      },
      { requiredKeys: [] },
    );
    const extras = fc.dictionary(
      fc
        .string({ minLength: 1, maxLength: 6 })
        .filter((k) => !['active', 'score', 'status', '__proto__'].includes(k)),
      anyValue,
      { maxKeys: 4 },
    );
    fc.assert(
      fc.property(required, extras, fc.boolean(), fc.boolean(), (req, ext, extrasFirst, freeze) => {
        const value = extrasFirst ? { ...ext, ...req } : { ...req, ...ext };
        const out = sanitizeReading(value, freeze);
        const check = validateReading(value);
        if (!check.ok) {
          expect(out).toBe(check.message);
          return;
        }
        if (typeof out === 'string') throw new Error(`refused a valid reading: ${out}`);
        expect(out).not.toBe(value);
        expect(Object.keys(out)).toEqual(Object.keys(value));
        expect(JSON.parse(JSON.stringify(out))).toEqual(JSON.parse(JSON.stringify(value)));
        expect(Object.isFrozen(out)).toBe(freeze);
      }),
      { numRuns: 2000 },
    );
  });
});
