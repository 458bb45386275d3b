import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NotifyConfigError } from './errors.js';
import { parseOptions } from './parse-options.js';

const Schema = z.object({
  botToken: z.string().min(10).optional(),
  apiKey: z.string().min(10).optional(),
  chatIds: z.array(z.string().regex(/^-?\d+$/)).default([]),
});

function failure(input: unknown, secretFields?: readonly string[]): NotifyConfigError {
  try {
    parseOptions(Schema, input, 'telegram', secretFields === undefined ? {} : { secretFields });
  } catch (error) {
    if (error instanceof NotifyConfigError) return error;
    throw error;
  }
  throw new Error('expected a NotifyConfigError');
}

describe('parseOptions', () => {
  it('returns the parsed output', () => {
    expect(parseOptions(Schema, {}, 'telegram')).toEqual({ chatIds: [] });
  });

  it('names the field and shows the offending value', () => {
    const error = failure({ chatIds: ['12', 'abc'] });
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.field).toBe('telegram.chatIds.1');
    expect(error.message).toMatch(/^telegram\.chatIds\.1: .* \(got "abc"\)$/);
    expect(error.value).toBe('abc');
  });

  it('hides credential-like fields by default', () => {
    const error = failure({ apiKey: 'short' });
    expect(error.message).not.toContain('short');
    expect(error.value).toBeUndefined();
  });

  it('hides exactly the listed fields when secretFields is given', () => {
    expect(failure({ botToken: 'short' }, ['botToken']).message).not.toContain('short');
    expect(failure({ apiKey: 'short' }, ['botToken']).message).toContain('(got "short")');
  });

  it('shortens long values and survives unprintable ones', () => {
    expect(failure({ chatIds: ['x'.repeat(200)] }).message).toMatch(/x…\)$/);
    expect(failure({ chatIds: [10n] }).message).toContain('(got [unprintable])');
  });
});
