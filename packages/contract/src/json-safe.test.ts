import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJsonSafe, formatPath, isJsonSafe } from './json-safe.js';

// Structural equality that treats -0 and 0 alike, as JSON does.
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const plain = [Object.prototype, Array.prototype, null];
  if (!plain.includes(Object.getPrototypeOf(a)) || !plain.includes(Object.getPrototypeOf(b))) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b as object, k) && jsonEqual((a as never)[k], (b as never)[k]));
}

function roundTrips(value: unknown): boolean {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return false;
    return jsonEqual(JSON.parse(text), value);
  } catch {
    return false;
  }
}

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

describe('checkJsonSafe', () => {
  it('accepts plain JSON', () => {
    expect(checkJsonSafe({ a: 1, b: [true, null, 'x', { c: -0.5 }], d: {} })).toEqual({ ok: true });
    expect(checkJsonSafe(Object.assign(Object.create(null), { a: 1 }))).toEqual({ ok: true });
    const shared = { v: 1 };
    expect(checkJsonSafe({ a: shared, b: shared }).ok).toBe(true);
  });

  it.each([
    [{ extras: { atr: Number.NaN } }, 'extras.atr', 'is NaN'],
    [{ a: [1, Number.POSITIVE_INFINITY] }, 'a[1]', 'is Infinity'],
    [{ a: Number.NEGATIVE_INFINITY }, 'a', 'is -Infinity'],
    [{ a: 10n }, 'a', 'is a BigInt'],
    [{ a: undefined }, 'a', 'is undefined'],
    [{ a: () => 1 }, 'a', 'is a function'],
    [{ a: Symbol('s') }, 'a', 'is a symbol'],
    [{ a: new Date(0) }, 'a', 'is a Date'],
    [{ a: new Map() }, 'a', 'is a Map'],
    [{ a: new Set() }, 'a', 'is a Set'],
    [{ a: new Float64Array(2) }, 'a', 'is a typed array'],
    [{ a: new Point(1, 2) }, 'a', 'is an instance of Point'],
    [{ a: new Number(1) }, 'a', 'is a boxed primitive'],
    [{ 'odd key': { 'x-y': Number.NaN } }, '["odd key"]["x-y"]', 'is NaN'],
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point of the test
    [[1, , 3], '[1]', 'is a hole in a sparse array'],
  ])('rejects %o at %s', (value, path, reason) => {
    expect(checkJsonSafe(value)).toEqual({ ok: false, path, reason });
  });

  it('rejects cycles with the path of the back-reference', () => {
    const a: Record<string, unknown> = { b: { c: [] as unknown[] } };
    ((a.b as Record<string, unknown>).c as unknown[]).push(a);
    expect(checkJsonSafe(a)).toEqual({ ok: false, path: 'b.c[0]', reason: 'is a circular reference' });
  });

  it('rejects nesting deeper than 32 levels and honours maxDepth', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 32; i++) deep = [deep];
    expect(checkJsonSafe(deep).ok).toBe(true);
    const deeper = [deep];
    const result = checkJsonSafe(deeper);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe('is nested deeper than 32 levels');
    expect(checkJsonSafe({ a: { b: 1 } }, { maxDepth: 1 })).toEqual({
      ok: false,
      path: 'a',
      reason: 'is nested deeper than 1 levels',
    });
  });

  it('rejects extra properties on arrays and symbol keys', () => {
    const arr = Object.assign([1], { extra: 2 });
    expect(checkJsonSafe(arr)).toEqual({
      ok: false,
      path: 'extra',
      reason: 'is a non-index property on an array',
    });
    expect(checkJsonSafe({ [Symbol('k')]: 1 })).toEqual({
      ok: false,
      path: '(root)',
      reason: 'has symbol keys',
    });
  });

  it('prefixes paths with root', () => {
    expect(checkJsonSafe({ x: Number.NaN }, { root: 'extras' })).toEqual({
      ok: false,
      path: 'extras.x',
      reason: 'is NaN',
    });
    expect(formatPath(undefined, [])).toBe('(root)');
    expect(formatPath('a', [0, 'b', 'c d'])).toBe('a[0].b["c d"]');
  });

  it('property: accepts every value that JSON round-trips unchanged', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(roundTrips(value)).toBe(true);
        expect(checkJsonSafe(value)).toEqual({ ok: true });
      }),
      { numRuns: 500 },
    );
  });

  it('property: rejects every value that does not round-trip, and names a real path', () => {
    const poison = fc.oneof(
      fc.constant(Number.NaN),
      fc.constant(Number.POSITIVE_INFINITY),
      fc.constant(Number.NEGATIVE_INFINITY),
      fc.bigInt(),
      fc.constant(undefined),
      fc.constant(() => 0),
      fc.constant(Symbol('x')),
      fc.date({ noInvalidDate: true }),
      fc.constant(new Map([[1, 2]])),
      fc.constant(new Set([1])),
      fc.constant(new Uint8Array(3)),
      fc.constant(new Point(1, 2)),
    );
    // Plant one poison value at a random place inside random JSON, remembering where.
    const planted = fc
      .tuple(
        fc.jsonValue({ maxDepth: 4 }),
        poison,
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.string({ minLength: 1 }),
      )
      .map(([json, bad, route, key]) => {
        const root: { v: unknown } = { v: structuredClone(json) };
        let holder: Record<string | number, unknown> = root as never;
        let slot: string | number = 'v';
        const keys: Array<string | number> = [];
        for (const step of route) {
          const cur: unknown = holder[slot];
          if (Array.isArray(cur) && cur.length > 0) {
            holder = cur as never;
            slot = step % cur.length;
          } else if (cur !== null && typeof cur === 'object' && Object.keys(cur).length > 0) {
            const names = Object.keys(cur);
            holder = cur as never;
            slot = names[step % names.length]!;
          } else break;
          keys.push(slot);
        }
        const cur: unknown = holder[slot];
        if (cur !== null && typeof cur === 'object' && !Array.isArray(cur)) {
          // defineProperty, not `cur[key] = bad`: a generated key `__proto__` must become an own
          // key, not replace the prototype.
          Object.defineProperty(cur, key, {
            value: bad,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          keys.push(key);
        } else holder[slot] = bad;
        return { value: root.v, path: formatPath(undefined, keys) };
      });
    fc.assert(
      fc.property(planted, ({ value, path }) => {
        const result = checkJsonSafe(value);
        expect(roundTrips(value)).toBe(false);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.path).toBe(path);
      }),
      { numRuns: 1000 },
    );
  });

  it('is a type guard', () => {
    const v: unknown = { a: 1 };
    if (isJsonSafe(v)) expect(typeof v).toBe('object');
    expect(isJsonSafe(Number.NaN)).toBe(false);
  });
});
