import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../bind-address.js';
import { AccessTokenSchema, bearerToken, subprotocolToken, tokensEqual } from './access-token.js';
import { hostName } from './request-guard.js';

const tokenChars = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-'.split(''),
);
const token = fc.string({ unit: tokenChars, minLength: 16, maxLength: 64 });

describe('token parsing and comparison', () => {
  it('tokensEqual agrees with string equality', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => tokensEqual(a, b) === (a === b)));
    fc.assert(fc.property(token, (t) => tokensEqual(t, t)));
  });

  it('reads back any valid token from a Bearer header and from the WebSocket subprotocol list', () => {
    fc.assert(
      fc.property(token, (t) => {
        expect(AccessTokenSchema.safeParse(t).success).toBe(true);
        expect(bearerToken(`Bearer ${t}`)).toBe(t);
        expect(bearerToken(`bearer  ${t}`)).toBe(t);
        expect(subprotocolToken(`keel, keel.token.${t}`)).toBe(t);
      }),
    );
  });

  it('finds no token in a header of another shape', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const t = bearerToken(s);
        if (t !== undefined) expect(/^bearer +/i.test(s)).toBe(true);
      }),
    );
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(subprotocolToken('keel')).toBeUndefined();
  });

  it('rejects short tokens and characters a header or subprotocol cannot carry', () => {
    expect(AccessTokenSchema.safeParse('short').success).toBe(false);
    expect(AccessTokenSchema.safeParse('sixteen-chars-ok').success).toBe(true);
    for (const bad of [
      'has space in it 0123',
      'comma,in,token,0123',
      'quote"in"token-0123',
      'ünïcode-token-0123',
    ]) {
      expect(AccessTokenSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe('Host names and loopback addresses', () => {
  it('drops the port and lower-cases; keeps IPv6 brackets', () => {
    fc.assert(
      fc.property(fc.domain(), fc.integer({ min: 1, max: 65_535 }), (name, port) => {
        expect(hostName(`${name}:${port}`)).toBe(name.toLowerCase());
        expect(hostName(name.toUpperCase())).toBe(name.toLowerCase());
      }),
    );
    expect(hostName('[::1]:8080')).toBe('[::1]');
    expect(hostName('')).toBeUndefined();
    expect(hostName(undefined)).toBeUndefined();
  });

  it('knows loopback from the rest', () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => isLoopbackAddress(ip) === ip.startsWith('127.')));
    for (const a of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', 'app.localhost']) {
      expect(isLoopbackAddress(a), a).toBe(true);
    }
    for (const a of ['0.0.0.0', '::', '192.168.1.10', 'example.com', 'localhost.example.com', 'fd00::2']) {
      expect(isLoopbackAddress(a), a).toBe(false);
    }
  });
});
