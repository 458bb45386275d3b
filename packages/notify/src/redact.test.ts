import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED, redactSecrets, redactValue } from './redact.js';

const redact = createRedactor();

describe('createRedactor — pattern rules (§19.5)', () => {
  it('redacts Telegram bot-token path segments and keeps ordinary /bot words', () => {
    expect(redact('POST https://api.telegram.org/bot123456:AAE-x_yZ/sendMessage failed')).toBe(
      `POST https://api.telegram.org/bot${REDACTED}/sendMessage failed`,
    );
    expect(redact('see /bottom/of/page')).toBe('see /bottom/of/page');
  });

  it('redacts sensitive query values in every -/_ variant and any case', () => {
    const names = [
      'access_token',
      'access-token',
      'ACCESS_TOKEN',
      'api_key',
      'Api-Key',
      'auth_token',
      'auth-token',
      'key',
      'password',
      'secret',
      'Signature',
      'token',
    ];
    for (const name of names) {
      const out = redact(`https://h.example/p?x=1&${name}=s3cr3tVALUE&y=2#frag`);
      expect(out).toBe(`https://h.example/p?x=1&${name}=${REDACTED}&y=2#frag`);
    }
    expect(redact('https://h.example/p?monkey=banana&tokens=ok')).toBe(
      'https://h.example/p?monkey=banana&tokens=ok',
    );
  });

  it('redacts Bearer and Basic credentials of 8+ characters only', () => {
    expect(redact('Authorization: Bearer abcdefgh.ijk')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redact('authorization: basic dXNlcjpwYXNz')).toBe(`authorization: basic ${REDACTED}`);
    expect(redact('Bearer short')).toBe('Bearer short');
  });

  it('redacts name=/name: assignments of 8+ characters as name=<redacted>', () => {
    expect(redact('password=hunter2hunter2 next')).toBe(`password=${REDACTED} next`);
    expect(redact('api-key: ABCDEFGH123')).toBe(`api-key=${REDACTED}`);
    expect(redact('{"private_key": "0123456789abcdef"}')).toBe(`{"private_key=${REDACTED}"}`);
    expect(redact('x_secret_token=abcdefghij')).toBe(`x_secret_token=${REDACTED}`);
    expect(redact('credential=short')).toBe('credential=short');
  });

  it('redacts URL user-info', () => {
    expect(redact('connect smtp://alice:pa55w0rd@mail.example.com:587 failed')).toBe(
      `connect smtp://${REDACTED}@mail.example.com:587 failed`,
    );
    expect(redact('mail alice@example.com')).toBe('mail alice@example.com');
  });

  it('redacts configured secrets by exact match, longest first, also URL-encoded', () => {
    const r = createRedactor(['abc', 'abcdef', 'p@ss w/rd', '']);
    expect(r('x abcdef y abc z')).toBe(`x ${REDACTED} y ${REDACTED} z`);
    expect(r('u=p%40ss%20w%2Frd; raw p@ss w/rd')).toBe(`u=${REDACTED}; raw ${REDACTED}`);
    expect(redactSecrets('token is T0P', ['T0P'])).toBe(`token is ${REDACTED}`);
  });

  it('is idempotent on already-redacted text', () => {
    const once = redact('https://u:p@h/bot123:abc?token=zzzzzzzzz Bearer 123456789 password=123456789');
    expect(redact(once)).toBe(once);
  });

  it('redacts strings inside JSON-like values', () => {
    const r = createRedactor(['SEKRET']);
    expect(redactValue({ a: ['x SEKRET'], b: { c: 'SEKRET' }, n: 1 }, r)).toEqual({
      a: [`x ${REDACTED}`],
      b: { c: REDACTED },
      n: 1,
    });
  });
});

describe('createRedactor — properties', () => {
  // Secrets that could re-appear from the replacement text itself are excluded: `<redacted>` contains them.
  const secretArb = fc
    .string({ minLength: 1, maxLength: 40, unit: 'grapheme' })
    .filter((s) => !REDACTED.includes(s) && s.trim() === s && s.length > 0);

  it('a configured secret embedded anywhere in any text never survives', () => {
    fc.assert(
      fc.property(
        secretArb,
        fc.array(fc.string({ maxLength: 30, unit: 'grapheme' }), { maxLength: 5 }),
        (secret, parts) => {
          const text = parts.join(secret) + secret;
          expect(createRedactor([secret])(text).includes(secret)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('token-like values after sensitive query names never survive', () => {
    const valueArb = fc.stringMatching(/^[A-Za-z0-9_.~-]{8,40}$/);
    const nameArb = fc.constantFrom(
      'access_token',
      'Access-Token',
      'api_key',
      'APIKEY',
      'token',
      'signature',
    );
    fc.assert(
      fc.property(nameArb, valueArb, fc.string({ maxLength: 20 }), (name, value, tail) => {
        const out = redact(`GET https://x.example/a?b=c&${name}=${value}&${tail}`);
        expect(out).toContain(`${name}=${REDACTED}`);
        expect(out.includes(`=${value}`)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws and leaves text without triggers unchanged', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z ]{0,60}$/), (text) => {
        fc.pre(!/(bearer|basic|password|secret|token|credential|api|auth|private)/.test(text));
        expect(redact(text)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
