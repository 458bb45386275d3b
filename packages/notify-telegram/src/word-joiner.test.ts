import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { insertWordJoiners, WORD_JOINER } from './word-joiner.js';

describe('insertWordJoiners', () => {
  it('inserts U+2060 after the dot of market symbols only', () => {
    expect(insertWordJoiners('Buy SOXL.US and BRK.B')).toBe(
      `Buy SOXL.${WORD_JOINER}US and BRK.${WORD_JOINER}B`,
    );
    expect(insertWordJoiners('version 1.2, e.g. and soxl.us')).toBe('version 1.2, e.g. and soxl.us');
    expect(insertWordJoiners('S.S.S')).toBe(`S.${WORD_JOINER}S.${WORD_JOINER}S`);
  });

  it('is idempotent and removing the joiners restores the text (property)', () => {
    const unit = fc.constantFrom('S', 'O', 'X', 'L', '.', 'U', ' ', '3', 'a', '\n');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), (text) => {
        const once = insertWordJoiners(text);
        expect(insertWordJoiners(once)).toBe(once);
        expect(once.replaceAll(WORD_JOINER, '')).toBe(text);
      }),
    );
  });
});
