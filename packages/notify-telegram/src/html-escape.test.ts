import { splitMessage } from '@keel/notify';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapedWeight, escapeHtml } from './html-escape.js';

const unescapeHtml = (s: string): string =>
  s.replace(
    /&(lt|gt|quot|amp);/g,
    (_, name: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[name] ?? '',
  );

describe('escapeHtml', () => {
  it('escapes the characters Telegram HTML treats as markup', () => {
    expect(escapeHtml('<b>R&D "x"</b>')).toBe('&lt;b&gt;R&amp;D &quot;x&quot;&lt;/b&gt;');
    expect(escapeHtml('风险 SOXL')).toBe('风险 SOXL');
  });

  it('round-trips, leaves no raw markup and only entity ampersands (property)', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.oneof(
            fc.constantFrom('<', '>', '&', '"', "'", 'a'),
            fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
          ),
        }),
        (s) => {
          const escaped = escapeHtml(s);
          expect(unescapeHtml(escaped)).toBe(s);
          expect(escaped).not.toMatch(/[<>"]/);
          expect(escaped).not.toMatch(/&(?!(lt|gt|quot|amp);)/);
          expect(Array.from(s).reduce((n, cp) => n + escapedWeight(cp), 0)).toBe(escaped.length);
        },
      ),
    );
  });
});

// Telegram counts its 4096 limit after HTML escaping, so long cards are split by escaped weight.
describe('splitMessage with escapedWeight', () => {
  const weightOf = (text: string): number => Array.from(text).reduce((sum, cp) => sum + escapedWeight(cp), 0);
  const textArb = fc.string({
    unit: fc.oneof(
      fc.constantFrom('a', ' ', '\n', '<', '&', '界', '😀'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    maxLength: 400,
  });

  it('rejects a limit below the weight of one escaped code point', () => {
    expect(() => splitMessage('<', 3, escapedWeight)).toThrow(/weighs 4/);
  });

  it('respects the escaped UTF-16 length (property)', () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 6, max: 60 }), (text, limit) => {
        const parts = splitMessage(text, limit, escapedWeight);
        expect(parts.join('')).toBe(text);
        for (const part of parts) expect(weightOf(part)).toBeLessThanOrEqual(limit);
      }),
    );
  });
});
