import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SensorReadingSchema, validateReading } from './reading.js';

describe('validateReading', () => {
  it('accepts a reading with JSON extras', () => {
    expect(
      validateReading({
        active: true,
        score: 0.7,
        status: 'burst',
        atr: 1.2,
        tags: ['a'],
        meta: { n: null },
      }),
    ).toEqual({
      ok: true,
    });
    expect(validateReading({ active: false, score: 0, status: '' })).toEqual({ ok: true });
    expect(validateReading({ active: false, score: 1, status: 'max' })).toEqual({ ok: true });
  });

  it.each([
    [null, '(root)', 'reading must be an object, got null'],
    [[1], '(root)', 'reading must be an object, got an array'],
    [new (class R {})(), '(root)', 'reading must be a plain object'],
    [{ score: 0.5, status: 'x' }, 'active', 'active must be a boolean, got undefined'],
    [{ active: 1, score: 0.5, status: 'x' }, 'active', 'active must be a boolean, got number'],
    [{ active: true, status: 'x' }, 'score', 'score must be a number, got undefined'],
    [{ active: true, score: Number.NaN, status: 'x' }, 'score', 'score is NaN'],
    [{ active: true, score: 1.01, status: 'x' }, 'score', 'score 1.01 is outside 0..1'],
    [{ active: true, score: -0.1, status: 'x' }, 'score', 'score -0.1 is outside 0..1'],
    [{ active: true, score: 0.5 }, 'status', 'status must be a string, got undefined'],
    [{ active: true, score: 0.5, status: 'x'.repeat(201) }, 'status', 'status is longer than 200 characters'],
    [{ active: true, score: 0.5, status: 'x', atr: Number.NaN }, 'extras.atr', 'extras.atr is NaN'],
    [{ active: true, score: 0.5, status: 'x', big: 1n }, 'extras.big', 'extras.big is a BigInt'],
    [{ active: true, score: 0.5, status: 'x', at: new Date() }, 'extras.at', 'extras.at is a Date'],
    [
      { active: true, score: 0.5, status: 'x', m: { a: [new Map()] } },
      'extras.m.a[0]',
      'extras.m.a[0] is a Map',
    ],
  ])('rejects %o at %s', (value, path, message) => {
    expect(validateReading(value)).toEqual({ ok: false, path, message });
  });

  it('rejects a cycle in extras without overflowing the stack', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(validateReading({ active: true, score: 0.5, status: 'x', loop })).toEqual({
      ok: false,
      path: 'extras.loop.self',
      message: 'extras.loop.self is a circular reference',
    });
  });

  it('property: agrees with SensorReadingSchema on JSON input', () => {
    const reading = fc.record(
      {
        active: fc.oneof(fc.boolean(), fc.integer()),
        score: fc.oneof(fc.double({ min: -0.5, max: 1.5 }), fc.constant(Number.NaN)),
        status: fc.oneof(fc.string({ maxLength: 10 }), fc.constant(null)),
        extra: fc.jsonValue({ maxDepth: 3 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(reading, (r) => {
        expect(validateReading(r).ok).toBe(SensorReadingSchema.safeParse(r).success);
      }),
      { numRuns: 2000 },
    );
  });
});
