import { describe, expect, it } from 'vitest';
import { ContractError, formatValue, isKeelError, KeelError, toKeelError } from './errors.js';

describe('KeelError', () => {
  it('carries a stable code, field, value, hint and cause', () => {
    const cause = new Error('root');
    const err = new ContractError('CONTRACT_INVALID_BAR', 'close is NaN', {
      field: 'close',
      value: Number.NaN,
      hint: 'fix the feed',
      cause,
    });
    expect(err).toBeInstanceOf(KeelError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ContractError');
    expect(err.code).toBe('CONTRACT_INVALID_BAR');
    expect(err.field).toBe('close');
    expect(err.hint).toBe('fix the feed');
    expect(err.cause).toBe(cause);
    expect(err.toJSON()).toEqual({
      name: 'ContractError',
      code: 'CONTRACT_INVALID_BAR',
      message: 'close is NaN',
      field: 'close',
      hint: 'fix the feed',
    });
    expect(err.toJSON()).not.toHaveProperty('value');
  });

  it('normalises unknown throws at boundaries', () => {
    const keel = new KeelError('X', 'x');
    expect(toKeelError(keel, 'FALLBACK')).toBe(keel);
    const wrapped = toKeelError(new TypeError('boom'), 'PLUGIN_ERROR');
    expect(wrapped.code).toBe('PLUGIN_ERROR');
    expect(wrapped.message).toBe('boom');
    expect(wrapped.cause).toBeInstanceOf(TypeError);
    expect(toKeelError('a string', 'PLUGIN_ERROR').message).toBe('non-error thrown: "a string"');
    expect(toKeelError(undefined, 'PLUGIN_ERROR').message).toBe('non-error thrown: undefined');
    expect(isKeelError(new Error('plain'))).toBe(false);
    expect(
      isKeelError(Object.assign(new Error('dup copy'), { code: 'C', hint: undefined, field: undefined })),
    ).toBe(true);
  });

  it('formats rejected values on one short line', () => {
    expect(formatValue('a\nb')).toBe('"a\\nb"');
    expect(formatValue(10n)).toBe('10n');
    expect(formatValue(-0)).toBe('-0');
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatValue(new Date(0))).toBe('Date(1970-01-01T00:00:00.000Z)');
    expect(formatValue(new Map())).toBe('[Map]');
    expect(formatValue(function named() {})).toBe('[function named]');
    expect(formatValue('x'.repeat(100))).toHaveLength(60);
    const cyclic: Record<string, unknown> = {};
    cyclic.c = cyclic;
    expect(formatValue(cyclic)).toBe('[object]');
  });
});
