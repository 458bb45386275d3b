/** When a failing plugin is benched and for how long. Back-off is counted in bars, so replays repeat exactly. */
export interface QuarantinePolicy {
  /** Consecutive failures (error, timeout, contract violation) that quarantine a plugin. Default 5. */
  readonly threshold: number;
  /** Bars skipped before the first retry. Default 50. */
  readonly backoffBars: number;
  /** Each failed retry doubles the back-off up to this many bars. Default 3200. */
  readonly maxBackoffBars: number;
}

export const DEFAULT_QUARANTINE: QuarantinePolicy = Object.freeze({
  threshold: 5,
  backoffBars: 50,
  maxBackoffBars: 3200,
});

/**
 * Consecutive-failure counter and quarantine clock of one plugin. The host asks `admit()` on each
 * bar while quarantined: `false` means serve a QUARANTINED reading, `true` means this bar is a retry.
 */
export class FailureTracker {
  consecutive = 0;
  quarantined = false;
  /** Quarantines since the last success; sets the back-off exponent. */
  strikes = 0;
  /** Bars left before the next retry. */
  remaining = 0;
  private readonly policy: QuarantinePolicy;

  constructor(policy: QuarantinePolicy) {
    this.policy = policy;
  }

  /** Records a failure; returns true when it (re)starts a quarantine. */
  fail(): boolean {
    this.consecutive++;
    if (this.quarantined) {
      // A failed retry: back off longer.
      this.strikes++;
      this.remaining = this.backoff();
      return true;
    }
    if (this.consecutive >= this.policy.threshold) {
      this.quarantined = true;
      this.strikes = 0;
      this.remaining = this.backoff();
      return true;
    }
    return false;
  }

  succeed(): void {
    this.consecutive = 0;
    this.quarantined = false;
    this.strikes = 0;
    this.remaining = 0;
  }

  /** Called once per bar while quarantined: true when the plugin should be retried on this bar. */
  admit(): boolean {
    if (this.remaining > 0) {
      this.remaining--;
      return false;
    }
    return true;
  }

  reset(): void {
    this.succeed();
  }

  private backoff(): number {
    const { backoffBars, maxBackoffBars } = this.policy;
    return Math.min(maxBackoffBars, backoffBars * 2 ** Math.min(this.strikes, 30));
  }
}
