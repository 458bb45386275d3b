import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../test/virtual-clock.js';
import { createTokenBucket, createTokenBucketPool } from './token-bucket.js';

describe('createTokenBucket', () => {
  it('allows a burst of capacity, then refuses tryTake until refilled', () => {
    const clock = createVirtualClock();
    const bucket = createTokenBucket({ capacity: 3, refillPerSecond: 1, now: clock.now, sleep: clock.sleep });
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.waitMs()).toBe(1000);
    clock.advance(1000);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('paces 100 waiters to the configured rate in FIFO order', async () => {
    const clock = createVirtualClock();
    // Telegram-like: 1 message per second to one chat, burst of 1.
    const bucket = createTokenBucket({ capacity: 1, refillPerSecond: 1, now: clock.now, sleep: clock.sleep });
    const start = clock.now();
    const times: number[] = [];
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        bucket.take().then(() => {
          order.push(i);
          times.push(clock.now() - start);
        }),
      ),
    );
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(times[0]).toBe(0);
    expect(times[99]).toBe(99_000);
    for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBe(1000);
  });

  it('pauseFor (Retry-After) holds back every queued waiter', async () => {
    const clock = createVirtualClock();
    const bucket = createTokenBucket({
      capacity: 10,
      refillPerSecond: 10,
      now: clock.now,
      sleep: clock.sleep,
    });
    bucket.pauseFor(30_000);
    expect(bucket.tryTake()).toBe(false);
    const start = clock.now();
    const done: number[] = [];
    await Promise.all([1, 2, 3].map(() => bucket.take().then(() => done.push(clock.now() - start))));
    expect(done).toEqual([30_000, 30_000, 30_000]);
    // A shorter later pause does not shorten a longer one.
    bucket.pauseUntil(clock.now() + 5000);
    bucket.pauseFor(1000);
    expect(bucket.waitMs()).toBe(5000);
  });

  it('an aborted waiter leaves the queue and rejects with the reason', async () => {
    const bucket = createTokenBucket({ capacity: 1, refillPerSecond: 0.001 });
    expect(bucket.tryTake()).toBe(true);
    const controller = new AbortController();
    const waiting = bucket.take(controller.signal);
    expect(bucket.pending).toBe(1);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(bucket.pending).toBe(0);
  });

  it('stops waiting when the last waiter aborts, so no timer outlives the queue', async () => {
    const naps: AbortSignal[] = [];
    const sleep = (_ms: number, signal?: AbortSignal): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        if (signal === undefined) return resolve();
        naps.push(signal);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    const bucket = createTokenBucket({ capacity: 1, refillPerSecond: 1, sleep });
    bucket.pauseFor(3_600_000);
    const first = new AbortController();
    const second = new AbortController();
    const waits = [bucket.take(first.signal), bucket.take(second.signal)];
    await Promise.resolve();
    expect(naps).toHaveLength(1);
    // One waiter left: the pump keeps waiting for it.
    first.abort(new Error('first'));
    await expect(waits[0]).rejects.toThrow('first');
    expect(naps[0]?.aborted).toBe(false);
    // None left: the pump's sleep ends now instead of in an hour.
    second.abort(new Error('second'));
    await expect(waits[1]).rejects.toThrow('second');
    expect(naps[0]?.aborted).toBe(true);
    expect(bucket.pending).toBe(0);
  });

  it('validates options', () => {
    expect(() => createTokenBucket({ capacity: 0, refillPerSecond: 1 })).toThrow(/tokenBucket.capacity/);
  });

  it('pool keeps one bucket per destination', () => {
    const clock = createVirtualClock();
    const pool = createTokenBucketPool({ capacity: 1, refillPerSecond: 1, now: clock.now });
    expect(pool.get('chat:1').tryTake()).toBe(true);
    expect(pool.get('chat:1').tryTake()).toBe(false);
    expect(pool.get('chat:2').tryTake()).toBe(true);
    expect(pool.size).toBe(2);
  });
});
