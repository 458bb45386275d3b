import type { Host, RunRecord } from '@keel/host';

export interface RunWatcher {
  /** Reports runs recorded since the last poll; returns how many. */
  poll(): number;
  start(everyMs: number): void;
  stop(): void;
}

/**
 * Turns the host's run log into a stream. The host records runs without a public callback, so the
 * log is polled on a timer (never per bar) and records newer than the last one seen are reported.
 * Records are frozen objects kept by identity in the log, which makes "newer" exact.
 */
export function createRunWatcher(host: Host, onRun: (run: RunRecord) => void): RunWatcher {
  let last: RunRecord | undefined;
  let timer: NodeJS.Timeout | undefined;
  const poll = (): number => {
    const runs = host.runs();
    // If the last seen record was overwritten in the ring, everything left in it is newer.
    const from = last === undefined ? 0 : runs.lastIndexOf(last) + 1;
    for (let i = from; i < runs.length; i++) onRun(runs[i]!);
    if (runs.length > 0) last = runs[runs.length - 1];
    return runs.length - from;
  };
  return {
    poll,
    start(everyMs) {
      if (timer !== undefined) return;
      timer = setInterval(poll, everyMs);
      timer.unref();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
