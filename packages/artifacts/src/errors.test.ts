import { KeelError } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { ARTIFACT_ERROR_CODES, ArtifactContractError, isArtifactContractError } from './errors.js';

describe('ArtifactContractError', () => {
  it('is a KeelError with a stable code and the spec fields', () => {
    const error = new ArtifactContractError('UNSUPPORTED_STRATEGY', 'line one\nline two', {
      field: 'strategy',
      value: 'x',
      source: 'mount',
      supported: ['a'],
    });
    expect(error).toBeInstanceOf(KeelError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ArtifactContractError');
    expect(error.message).toBe('line one line two');
    expect(error).toMatchObject({
      code: 'UNSUPPORTED_STRATEGY',
      field: 'strategy',
      value: 'x',
      source: 'mount',
      supported: ['a'],
    });
    expect(error.toJSON()).toMatchObject({ code: 'UNSUPPORTED_STRATEGY', field: 'strategy' });
  });

  it('withContext keeps the class, code and fields and adds loader context', () => {
    const error = new ArtifactContractError('NOT_FOUND', 'gone', { field: 'reference', value: 'p' });
    const copy = error.withContext({ mountIndex: 2, prefix: 'mount #2 (s/p): ', reference: 'p' });
    expect(copy).toBeInstanceOf(ArtifactContractError);
    expect(copy).toMatchObject({
      code: 'NOT_FOUND',
      field: 'reference',
      mountIndex: 2,
      reference: 'p',
      message: 'mount #2 (s/p): gone',
    });
  });

  it('shows values as one-line JSON cut at 200 code points', () => {
    expect(ArtifactContractError.show(undefined)).toBe('null');
    expect(ArtifactContractError.show({ a: [1] })).toBe('{"a":[1]}');
    expect(ArtifactContractError.show(10n)).toBe('10');
    const long = ArtifactContractError.show('😀'.repeat(300));
    expect([...long]).toHaveLength(201);
    expect(long.endsWith('…')).toBe(true);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(ArtifactContractError.show(cyclic)).toBe('[unserialisable]');
  });

  it('lists the 27 codes of the spec and is recognised across package copies', () => {
    expect(ARTIFACT_ERROR_CODES).toHaveLength(27);
    const foreign = Object.assign(new Error('x'), { name: 'ArtifactContractError', code: 'BAD_JSON' });
    expect(isArtifactContractError(foreign)).toBe(true);
    expect(
      isArtifactContractError(Object.assign(new Error('x'), { name: 'ArtifactContractError', code: 'NOPE' })),
    ).toBe(false);
    expect(isArtifactContractError(new Error('x'))).toBe(false);
  });
});
