import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from './signature.js';

const NOW = 1_780_000_000_000;
const TS = String(NOW / 1000);

describe('signWebhookBody', () => {
  it('is sha256= + hex HMAC-SHA256 of "timestamp.body"', () => {
    const expected = createHmac('sha256', 'k').update('1700000000.{"a":1}').digest('hex');
    expect(signWebhookBody('k', 1_700_000_000, '{"a":1}')).toBe(`sha256=${expected}`);
  });
});

describe('verifyWebhookSignature', () => {
  it('accepts a fresh, correctly signed request', () => {
    const signature = signWebhookBody('s3cret', TS, '{"x":"风险"}');
    expect(
      verifyWebhookSignature({ secret: 's3cret', body: '{"x":"风险"}', timestamp: TS, signature, now: NOW }),
    ).toEqual({
      ok: true,
      timestamp: NOW / 1000,
    });
  });

  it('names why a request is rejected', () => {
    const signature = signWebhookBody('s', TS, 'b');
    const base = { secret: 's', body: 'b', timestamp: TS, signature, now: NOW };
    expect(verifyWebhookSignature({ ...base, signature: undefined })).toEqual({
      ok: false,
      reason: 'missing_header',
    });
    expect(verifyWebhookSignature({ ...base, timestamp: '' })).toEqual({
      ok: false,
      reason: 'missing_header',
    });
    expect(verifyWebhookSignature({ ...base, timestamp: '12abc' })).toEqual({
      ok: false,
      reason: 'bad_timestamp',
    });
    expect(verifyWebhookSignature({ ...base, now: NOW + 301_000 })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verifyWebhookSignature({ ...base, now: NOW + 301_000, toleranceSeconds: 600 }).ok).toBe(true);
    expect(verifyWebhookSignature({ ...base, body: 'B' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyWebhookSignature({ ...base, signature: 'sha256=00' })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('verifies what it signs and rejects any change of secret, body or timestamp (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ unit: 'grapheme' }),
        fc.integer({ min: -300, max: 300 }),
        fc.string({ minLength: 1 }),
        (secret, body, skew, other) => {
          const ts = String(NOW / 1000 + skew);
          const signature = signWebhookBody(secret, ts, body);
          expect(verifyWebhookSignature({ secret, body, timestamp: ts, signature, now: NOW }).ok).toBe(true);
          if (other !== secret) {
            expect(
              verifyWebhookSignature({ secret: other, body, timestamp: ts, signature, now: NOW }).ok,
            ).toBe(false);
          }
          expect(
            verifyWebhookSignature({ secret, body: `${body} `, timestamp: ts, signature, now: NOW }).ok,
          ).toBe(false);
          const shifted = String(Number(ts) + 1);
          expect(verifyWebhookSignature({ secret, body, timestamp: shifted, signature, now: NOW }).ok).toBe(
            false,
          );
        },
      ),
    );
  });
});
