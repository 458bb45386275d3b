import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CodePointWeight, splitMessage } from './split-message.js';

const isWellFormed = (s: string): boolean =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

const textArb = fc.string({
  unit: fc.oneof(
    fc.constantFrom('a', ' ', '\n', '<', '&', '界', '😀'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 400,
});

// UTF-16 length with `<` and `&` counting as entities, like a provider that limits escaped text.
const entityWeight: CodePointWeight = (cp) => (cp === '<' ? 4 : cp === '&' ? 5 : cp.length);
const weightOf = (text: string): number => Array.from(text).reduce((sum, cp) => sum + entityWeight(cp), 0);

describe('splitMessage', () => {
  it('prefers a newline, then whitespace, in the second half of a part', () => {
    expect(splitMessage('aaaa\nbbbb cccc', 10)).toEqual(['aaaa\n', 'bbbb cccc']);
    expect(splitMessage('a\nbbbbbb cccc', 10)).toEqual(['a\nbbbbbb ', 'cccc']);
    expect(splitMessage('aaaaaa bbbbbb', 8)).toEqual(['aaaaaa ', 'bbbbbb']);
    expect(splitMessage('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(splitMessage('', 4)).toEqual([]);
  });

  it('rejects a limit below one code point', () => {
    expect(() => splitMessage('abc', 0)).toThrow(RangeError);
    expect(() => splitMessage('<', 3, entityWeight)).toThrow(/weighs 4/);
  });

  it('never exceeds the limit, preserves the text and never splits a code point (property)', () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 1, max: 50 }), (text, limit) => {
        const parts = splitMessage(text, limit);
        expect(parts.join('')).toBe(text);
        for (const part of parts) {
          expect(part.length).toBeGreaterThan(0);
          expect(Array.from(part).length).toBeLessThanOrEqual(limit);
          expect(isWellFormed(part)).toBe(true);
        }
      }),
    );
  });

  it('respects a weighted limit (property)', () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 6, max: 60 }), (text, limit) => {
        const parts = splitMessage(text, limit, entityWeight);
        expect(parts.join('')).toBe(text);
        for (const part of parts) expect(weightOf(part)).toBeLessThanOrEqual(limit);
      }),
    );
  });
});
