/**
 * A clock whose `sleep` moves time forward instead of waiting, so back-off, pacing and outbox
 * schedules run instantly yet in the exact order real time would give. `slept` records each wait.
 */
export interface VirtualClock {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  advance: (ms: number) => void;
  readonly slept: number[];
}

export function createVirtualClock(start = Date.UTC(2026, 4, 24, 12, 0, 0)): VirtualClock {
  let t = start;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      slept.push(ms);
      // Yield first so work already scheduled for "now" runs at the current time, as it would in reality.
      await new Promise<void>((resolve) => setImmediate(resolve));
      t += Math.max(0, ms);
    },
    advance: (ms: number) => {
      t += ms;
    },
    slept,
  };
}
