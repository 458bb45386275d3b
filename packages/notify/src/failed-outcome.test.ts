import { describe, expect, it } from 'vitest';
import { DeliveryError, NotifyConfigError } from './errors.js';
import { failedOutcome } from './failed-outcome.js';
import { createRedactor } from './redact.js';
import { retryLogger } from './retry-logger.js';

const redact = createRedactor(['s3cr3t-token']);

describe('failedOutcome', () => {
  it('reports the redacted error, the detail, retryability and the requested wait', () => {
    const error = new DeliveryError('RATE_LIMITED', 'HTTP 429 for s3cr3t-token', { retryAfterMs: 1500 });
    expect(failedOutcome('sms:+1', error, redact, ' (part 2/3)')).toEqual({
      ok: false,
      provider: 'sms:+1',
      error: 'DeliveryError: HTTP 429 for <redacted> (part 2/3)',
      retryable: true,
      retryAfterMs: 1500,
    });
  });

  it('marks configuration errors as not retryable and omits an absent wait', () => {
    const outcome = failedOutcome('push:t', new NotifyConfigError('INVALID_OPTIONS', 'bad'), redact);
    expect(outcome).toEqual({
      ok: false,
      provider: 'push:t',
      error: 'NotifyConfigError: bad',
      retryable: false,
    });
  });
});

describe('retryLogger', () => {
  it('logs each retry as a warning with the redacted error', () => {
    const warnings: unknown[][] = [];
    const noop = (): void => {};
    const log = { debug: noop, info: noop, error: noop, warn: (...args: unknown[]) => warnings.push(args) };
    retryLogger(
      log,
      'sms send retry',
      'sms:+1',
      redact,
    )({
      error: new Error('refused by s3cr3t-token'),
      attempt: 2,
      delayMs: 750,
    });
    expect(warnings).toEqual([
      [
        'sms send retry',
        { provider: 'sms:+1', attempt: 2, delayMs: 750, error: 'Error: refused by <redacted>' },
      ],
    ]);
  });
});
