import { describe, expect, it } from 'vitest';
import { DeliveryError } from './errors.js';
import { pacedDelivery } from './paced-delivery.js';
import { createTokenBucket } from './token-bucket.js';

const retry = { attempts: 3, baseDelayMs: 10, maxDelayMs: 1000 };

describe('pacedDelivery', () => {
  it('takes a token per try and pauses the bucket for a provider-requested wait', async () => {
    // A virtual clock: sleeping moves time on, so the bucket's pump never spins.
    let t = 0;
    const sleeps: number[] = [];
    const sleep = async (ms: number): Promise<void> => {
      sleeps.push(ms);
      t += ms;
    };
    const bucket = createTokenBucket({ capacity: 5, refillPerSecond: 1, now: () => t, sleep });
    const pausedFor: number[] = [];
    let tries = 0;
    const result = await pacedDelivery(
      async () => {
        tries += 1;
        if (tries === 1) throw new DeliveryError('RATE_LIMITED', '429', { retryAfterMs: 300 });
        return 'sent';
      },
      {
        ...retry,
        bucket,
        signal: new AbortController().signal,
        sleep,
        onRetry: () => pausedFor.push(bucket.waitMs()),
      },
    );
    expect(result).toBe('sent');
    expect(tries).toBe(2);
    expect(pausedFor).toEqual([300]);
    expect(sleeps[0]).toBeGreaterThanOrEqual(300);
    expect(bucket.available()).toBeCloseTo(3 + sleeps.reduce((a, b) => a + b, 0) / 1000, 5);
  });

  it('retries without a bucket and reports every retry', async () => {
    const retries: number[] = [];
    let tries = 0;
    await expect(
      pacedDelivery(
        async () => {
          tries += 1;
          throw new DeliveryError('SEND_FAILED', 'HTTP 500', { status: 500 });
        },
        {
          ...retry,
          signal: new AbortController().signal,
          sleep: async () => {},
          onRetry: ({ attempt }) => retries.push(attempt),
        },
      ),
    ).rejects.toThrow('HTTP 500');
    expect(tries).toBe(3);
    expect(retries).toEqual([1, 2]);
  });
});
