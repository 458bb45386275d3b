import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantileSelect, quantileSorted } from './model-forecast.js';
import { SortedWindow } from './sorted-window.js';

describe('quantileSelect', () => {
  it('equals the type-7 quantile of the sorted array, for any values and level', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p) => {
          const sorted = Float64Array.from(values).sort();
          const scratch = Float64Array.from(values);
          expect(quantileSelect(scratch, p)).toBeCloseTo(quantileSorted(sorted, p), 6);
          // The array is only reordered.
          expect([...scratch.sort()]).toEqual([...sorted]);
        },
      ),
    );
  });

  it('interpolates like R and NumPy', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.1)).toBeCloseTo(1.4, 12);
    expect(quantileSelect(Float64Array.from([5, 1, 4, 2, 3]), 0.9)).toBeCloseTo(4.6, 12);
  });
});

describe('SortedWindow', () => {
  it('holds the last `capacity` values in ascending order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 200 }),
        (capacity, stream) => {
          const w = new SortedWindow(capacity);
          for (const x of stream) w.push(x);
          const expected = Float64Array.from(stream.slice(-capacity)).sort();
          expect([...w.values()]).toEqual([...expected]);
        },
      ),
    );
  });
});
