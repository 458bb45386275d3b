import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../test/virtual-clock.js';
import { DeliveryError } from './errors.js';
import { backoffDelay, retryWithBackoff } from './retry.js';

describe('retryWithBackoff', () => {
  it('retries retryable failures with doubling, jittered, capped back-off', async () => {
    const clock = createVirtualClock();
    const calls: number[] = [];
    const result = await retryWithBackoff(
      async (attempt) => {
        calls.push(attempt);
        if (attempt < 4) throw new DeliveryError('SEND_FAILED', 'boom', { status: 503 });
        return 'ok';
      },
      { attempts: 5, baseMs: 100, maxMs: 300, sleep: clock.sleep, random: () => 0.5 },
    );
    expect(result).toBe('ok');
    expect(calls).toEqual([1, 2, 3, 4]);
    // steps 100, 200, 300 (capped); equal jitter at 0.5 → 75 %.
    expect(clock.slept).toEqual([75, 150, 225]);
  });

  it('stops after the attempt budget and rethrows the last error', async () => {
    const clock = createVirtualClock();
    let n = 0;
    await expect(
      retryWithBackoff(
        async () => {
          n++;
          throw new DeliveryError('SEND_FAILED', `fail ${n}`, { status: 502 });
        },
        { attempts: 3, baseMs: 10, maxMs: 1000, sleep: clock.sleep },
      ),
    ).rejects.toThrow('fail 3');
    expect(n).toBe(3);
  });

  it('does not retry non-retryable errors', async () => {
    let n = 0;
    await expect(
      retryWithBackoff(
        async () => {
          n++;
          throw new DeliveryError('SEND_FAILED', 'unauthorised', { status: 401 });
        },
        { attempts: 5, baseMs: 1, maxMs: 1 },
      ),
    ).rejects.toMatchObject({ code: 'SEND_FAILED', status: 401 });
    expect(n).toBe(1);
  });

  it('honours retryAfterMs from the failure, and gives up when it exceeds maxMs', async () => {
    const clock = createVirtualClock();
    let n = 0;
    await retryWithBackoff(
      async () => {
        n++;
        if (n === 1) throw new DeliveryError('RATE_LIMITED', '429', { retryAfterMs: 4000 });
        return n;
      },
      { attempts: 3, baseMs: 10, maxMs: 10_000, sleep: clock.sleep, random: () => 0 },
    );
    expect(clock.slept).toEqual([4000]);

    let m = 0;
    await expect(
      retryWithBackoff(
        async () => {
          m++;
          throw new DeliveryError('RATE_LIMITED', '429', { retryAfterMs: 60_000 });
        },
        { attempts: 3, baseMs: 10, maxMs: 10_000, sleep: clock.sleep },
      ),
    ).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(m).toBe(1);
  });

  it('stops when the signal aborts during a back-off', async () => {
    const controller = new AbortController();
    const promise = retryWithBackoff(
      async () => {
        throw new DeliveryError('TIMEOUT', 'slow');
      },
      { attempts: 10, baseMs: 60_000, maxMs: 60_000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('cancelled')), 5);
    await expect(promise).rejects.toThrow('cancelled');
  });

  it('rejects invalid options with a NotifyConfigError', async () => {
    await expect(retryWithBackoff(async () => 1, { attempts: 0, baseMs: 1, maxMs: 1 })).rejects.toMatchObject(
      {
        code: 'INVALID_OPTIONS',
        field: 'retry.attempts',
      },
    );
  });

  it('backoffDelay stays within [step/2, step]', () => {
    for (let attempt = 1; attempt < 12; attempt++) {
      const step = Math.min(5000, 100 * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, 100, 5000, () => 0)).toBe(Math.round(step / 2));
      expect(backoffDelay(attempt, 100, 5000, () => 0.999999)).toBeLessThanOrEqual(step);
    }
  });
});
