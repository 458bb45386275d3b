/** Quantiles a plugin's call durations are summarised by, in milliseconds. */
export interface DurationSummary {
  /** Calls that were timed (the host samples sync calls; see `HostOptions.timingSampleEvery`). */
  readonly samples: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

// Four buckets per power of two from 1/8 µs up; the upper edge of a bucket is within 19% of any
// value in it, which is plenty for "is this plugin slow" and costs one Math.log2 per sample.
const PER_OCTAVE = 4;
const MIN_US = 0.125;
const BUCKETS = 4 + PER_OCTAVE * 40;

/** Fixed-size log-bucket histogram of durations: recording allocates nothing. */
export class DurationHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private total = 0;
  private maxMs = 0;

  record(ms: number): void {
    if (!(ms >= 0)) return;
    const us = ms * 1000;
    let b = us <= MIN_US ? 0 : Math.ceil(Math.log2(us / MIN_US) * PER_OCTAVE);
    if (b >= BUCKETS) b = BUCKETS - 1;
    this.counts[b] = (this.counts[b] as number) + 1;
    this.total++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  get count(): number {
    return this.total;
  }

  /** Upper bucket edge below which a fraction `q` of the samples lie, capped at the exact max. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const target = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b] as number;
      if (seen >= target) return Math.min(this.maxMs, (MIN_US * 2 ** (b / PER_OCTAVE)) / 1000);
    }
    return this.maxMs;
  }

  summary(): DurationSummary {
    return {
      samples: this.total,
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      max: this.maxMs,
    };
  }

  clear(): void {
    this.counts.fill(0);
    this.total = 0;
    this.maxMs = 0;
  }
}
