import { KeelError } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import {
  DeliveryError,
  describeError,
  isRetryable,
  NotifyConfigError,
  NotifyError,
  retryAfterOf,
} from './errors.js';

describe('errors', () => {
  it('NotifyError is a KeelError with a redacted message, hint, value and cause', () => {
    const cause = new Error('GET https://api.telegram.org/bot99:SECRETSECRET/getMe?token=abcdefghijk');
    const err = new NotifyError('SEND_FAILED', 'send to chat failed: TOPSECRET', {
      secrets: ['TOPSECRET'],
      hint: 'check TOPSECRET',
      value: 'TOPSECRET',
      cause,
    });
    expect(err).toBeInstanceOf(KeelError);
    expect(err.name).toBe('NotifyError');
    expect(err.code).toBe('SEND_FAILED');
    const everything = [err.message, err.hint, String(err.value), String((err.cause as Error).message)];
    expect(everything.join(' ')).not.toMatch(/TOPSECRET|SECRETSECRET|abcdefghijk/);
    expect((err.cause as Error).stack ?? '').not.toContain('SECRETSECRET');
    expect(JSON.stringify(err.toJSON())).not.toContain('TOPSECRET');
  });

  it('NotifyConfigError carries configuration codes and is never retryable', () => {
    const err = new NotifyConfigError('UNSUPPORTED_CHANNEL', 'unknown channel "fax"', { field: 'channels' });
    expect(err.name).toBe('NotifyConfigError');
    expect(err.code).toBe('UNSUPPORTED_CHANNEL');
    expect(isRetryable(err)).toBe(false);
  });

  it('DeliveryError derives retryable from code and status and keeps retryAfterMs', () => {
    expect(new DeliveryError('SEND_FAILED', 'x', { status: 500 }).retryable).toBe(true);
    expect(new DeliveryError('SEND_FAILED', 'x', { status: 400 }).retryable).toBe(false);
    expect(new DeliveryError('SEND_FAILED', 'x', { status: 429 }).retryable).toBe(true);
    expect(new DeliveryError('SEND_FAILED', 'x', { status: 401, retryable: true }).retryable).toBe(true);
    const limited = new DeliveryError('RATE_LIMITED', 'slow down', { status: 429, retryAfterMs: 3000 });
    expect(limited.retryable).toBe(true);
    expect(retryAfterOf(limited)).toBe(3000);
    expect(limited.status).toBe(429);
    const redacted = new DeliveryError('TIMEOUT', 'Bearer abcdefghijkl timed out');
    expect(redacted.message).toBe('Bearer <redacted> timed out');
  });

  it('describeError renders <Name>: <redacted message>', () => {
    expect(describeError(new TypeError('bad password=abcdefghijk'))).toBe(
      'TypeError: bad password=<redacted>',
    );
    expect(describeError('plain', (t) => t.toUpperCase())).toBe('Error: PLAIN');
  });
});
