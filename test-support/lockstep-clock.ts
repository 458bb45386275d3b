// Test-only support: a virtual clock for pacing tests that cross a real socket. Like the channel
// tests' virtual clocks, `sleep` moves time forward instead of waiting; unlike them, it first waits
// until `settled()` holds (typically "the loopback server has received every request the publisher
// has started"), so nothing released at the current virtual instant is still on the wire when time
// moves on. A server that stamps arrivals with this clock's `now` then records each request at
// exactly the instant the publisher released it, however slow or busy the machine is: assertions on
// those stamps are assertions on the schedule, not on the machine.

export interface LockstepClock {
  /** Virtual epoch milliseconds. */
  readonly now: () => number;
  /** Records `ms`, waits until `settled()`, then advances the virtual time by `ms`. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Every requested sleep, in order. */
  readonly sleeps: readonly number[];
}

export interface LockstepClockOptions {
  /** Virtual start time (default 1 000 000). */
  readonly start?: number;
  /**
   * Real milliseconds a sleep may wait for `settled()` before it fails the test: a guard against a
   * hang (work that never settles), not a timing assertion, hence generous.
   */
  readonly settleTimeoutMs?: number;
}

export function createLockstepClock(
  settled: () => boolean,
  options: LockstepClockOptions = {},
): LockstepClock {
  let t = options.start ?? 1_000_000;
  const settleTimeoutMs = options.settleTimeoutMs ?? 30_000;
  const sleeps: number[] = [];
  const aborted = (signal: AbortSignal): unknown =>
    signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
  return {
    now: () => t,
    sleeps,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw aborted(signal);
      sleeps.push(ms);
      const giveUpAt = performance.now() + settleTimeoutMs;
      // First let what was released at this instant get going (its microtasks, then its I/O).
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (!settled()) {
        if (signal?.aborted) throw aborted(signal);
        if (performance.now() > giveUpAt) {
          throw new Error(
            `lockstep clock: work released at t=${t} did not settle within ${settleTimeoutMs} ms`,
          );
        }
        await new Promise<void>((resolve) => setTimeout(resolve, 1));
      }
      if (signal?.aborted) throw aborted(signal);
      t += Math.max(0, ms);
    },
  };
}
