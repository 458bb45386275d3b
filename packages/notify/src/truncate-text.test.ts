import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectiveLimit, truncateText } from './truncate-text.js';

describe('truncateText', () => {
  it('keeps limit − 3 code points, right-trimmed, plus "..."', () => {
    expect(truncateText('abcdef', 6)).toBe('abcdef');
    expect(truncateText('abc   defgh', 8)).toBe('abc...');
    expect(truncateText('😀😀😀😀😀', 4)).toBe('😀...');
  });

  it('clamps the configured limit to max(80, n) and the provider ceiling', () => {
    expect(effectiveLimit(10)).toBe(80);
    expect(effectiveLimit(3900, 4096)).toBe(3900);
    expect(effectiveLimit(10_000, 4096)).toBe(4096);
  });

  it('never exceeds the limit and keeps a prefix of the text (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.integer({ min: 80, max: 200 }),
        (text, limit) => {
          const out = truncateText(text, limit);
          const cps = Array.from(out);
          expect(cps.length).toBeLessThanOrEqual(limit);
          if (out === text) return;
          expect(out.endsWith('...')).toBe(true);
          expect(text.startsWith(out.slice(0, -3))).toBe(true);
        },
      ),
    );
  });
});
