import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './http.js';

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 0, 0, 0);

  it('reads delta-seconds, fractional seconds and numbers', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
    expect(parseRetryAfter(7, now)).toBe(7000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads HTTP-dates relative to now, clamping past dates to 0', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('returns undefined for missing or malformed values', () => {
    for (const v of [undefined, null, '', '-5', 'soon-ish', Number.NaN, -1]) {
      expect(parseRetryAfter(v as string | number | null | undefined, now)).toBeUndefined();
    }
  });
});
