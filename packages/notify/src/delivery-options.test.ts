import { describe, expect, it } from 'vitest';
import { rateLimitOptionsSchema, retryOptionsSchema, timeoutOptionSchema } from './delivery-options.js';

describe('shared channel option schemas', () => {
  it('apply the channel defaults and keep overrides', () => {
    expect(rateLimitOptionsSchema({ perSecond: 1, burst: 3 }).parse(undefined)).toEqual({
      perSecond: 1,
      burst: 3,
    });
    expect(rateLimitOptionsSchema({ perSecond: 1, burst: 3 }).parse({ burst: 7 })).toEqual({
      perSecond: 1,
      burst: 7,
    });
    expect(retryOptionsSchema({ attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 }).parse({})).toEqual({
      attempts: 4,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
    });
    expect(timeoutOptionSchema(10_000).parse(undefined)).toBe(10_000);
  });

  it('reject out-of-range values', () => {
    expect(rateLimitOptionsSchema({ perSecond: 1, burst: 1 }).safeParse({ perSecond: 0 }).success).toBe(
      false,
    );
    expect(
      retryOptionsSchema({ attempts: 1, baseDelayMs: 0, maxDelayMs: 0 }).safeParse({ attempts: 11 }).success,
    ).toBe(false);
    expect(timeoutOptionSchema(1).safeParse(0).success).toBe(false);
  });
});
