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
