import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanKey, pyTrim } from './clean-key.js';

describe('cleanKey (§19.4)', () => {
  it('keeps a normal alert key unchanged', () => {
    const key =
      'strategy_plugin_email_alert/ibkr-paper-tqqq/tqqq_growth_income/crisis_response_shadow/2026-05-24/true_crisis/defend/453e36e32ffb9ff8';
    expect(cleanKey(key)).toBe(key);
  });

  it('replaces without collapsing, strips edges, drops empty and dot segments', () => {
    expect(cleanKey('a b  c')).toBe('a-b--c');
    expect(cleanKey('..\\..//etc/passwd')).toBe('etc/passwd');
    expect(cleanKey('_-.x.-_/ y ')).toBe('x/y');
    expect(cleanKey('市场/状态')).toBe('市场/状态');
    expect(cleanKey('')).toBe('unknown');
    expect(cleanKey('/./../')).toBe('unknown');
    expect(cleanKey(`${'a'.repeat(99)} b`)).toBe(`${'a'.repeat(99)}-`);
    expect(pyTrim('\u001c x \u0085')).toBe('x');
  });

  const allowed = /^[\p{L}\p{N}\-_.]+$/u;

  it('property: segments are non-empty, allowed-only, ≤100 code points, never dot-only, and stay inside the root', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (key) => {
        const cleaned = cleanKey(key);
        const root = '/markers/ns';
        const resolved = path.resolve(root, `${cleaned}.json`);
        expect(resolved.startsWith(`${root}/`)).toBe(true);
        for (const segment of cleaned.split('/')) {
          expect(segment.length).toBeGreaterThan(0);
          expect(allowed.test(segment)).toBe(true);
          expect(Array.from(segment).length).toBeLessThanOrEqual(100);
          expect(/^[-._]/.test(segment)).toBe(false);
          expect(segment === '.' || segment === '..').toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('property: cleaning is idempotent for keys whose segments are short', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (key) => {
        expect(cleanKey(cleanKey(key))).toBe(cleanKey(key));
      }),
      { numRuns: 500 },
    );
  });
});
