import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeE164, normalizeRecipients } from './e164.js';

describe('normalizeE164', () => {
  it('follows §19.7', () => {
    expect(normalizeE164('+44 20 7946 0958')).toBe('+442079460958');
    expect(normalizeE164('(415) 555-0100')).toBe('+14155550100');
    expect(normalizeE164('1-415-555-0100')).toBe('+14155550100');
    expect(normalizeE164('+86 138 0013 8000')).toBe('+8613800138000');
    expect(normalizeE164('2-415-555-0100')).toBeUndefined();
    expect(normalizeE164('555-0100')).toBeUndefined();
    expect(normalizeE164('+1 415 555 0100 ext 2')).toBeUndefined();
    expect(normalizeE164('')).toBeUndefined();
  });

  it('yields +digits (8–15) or nothing, and is idempotent (property)', () => {
    const unit = fc.constantFrom('0', '1', '2', '5', '9', ' ', '-', '(', ')', '.', '+', 'x');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 25 }), (raw) => {
        const n = normalizeE164(raw);
        if (n === undefined) return;
        expect(n).toMatch(/^\+\d{8,15}$/);
        expect(normalizeE164(n)).toBe(n);
        expect(n.slice(1).endsWith(raw.replace(/\D/g, ''))).toBe(true);
      }),
    );
  });

  it('formats of the same 10-digit number normalise alike (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[2-9]\d{9}$/), (d) => {
        const forms = [
          d,
          `1${d}`,
          `+1${d}`,
          `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
          `1.${d.slice(0, 3)}.${d.slice(3)}`,
        ];
        expect(new Set(forms.map(normalizeE164))).toEqual(new Set([`+1${d}`]));
      }),
    );
  });
});

describe('normalizeRecipients', () => {
  it('drops duplicates after normalisation and reports invalid entries', () => {
    expect(normalizeRecipients(['4155550100', '+1 (415) 555-0100', 'nope', '+442079460958'])).toEqual({
      numbers: ['+14155550100', '+442079460958'],
      invalid: ['nope'],
    });
  });
});
