import type { JsonValue } from '@keel/contract';

/** One finished (or timed-out) scheduled run. */
export interface RunRecord {
  readonly plugin: string;
  readonly job: string;
  readonly when: string;
  /** When the run was due (bar time in a replay; the event time for `on:` jobs). */
  readonly scheduledAt: number;
  /** The scheduler clock when it started. */
  readonly startedAt: number;
  /** Wall time the run took (up to its timeout when it timed out). */
  readonly durationMs: number;
  readonly success: boolean;
  readonly error?: string;
  readonly data?: JsonValue;
  /** Further due times folded into this run because the job was still running or time jumped. */
  readonly coalesced: number;
  /** Present when the run was asked for (`runNow`) instead of coming due. */
  readonly manual?: true;
}

export interface RunFilter {
  plugin?: string;
  job?: string;
  /** At most this many of the newest records. */
  limit?: number;
}

/** A fixed-size ring of run records: the newest `capacity` are kept, older ones are overwritten. */
export class RunLog {
  readonly #ring: Array<RunRecord | undefined>;
  #next = 0;
  #size = 0;
  #total = 0;

  constructor(readonly capacity: number) {
    this.#ring = new Array(capacity).fill(undefined);
  }

  push(record: RunRecord): void {
    this.#ring[this.#next] = record;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
    this.#total++;
  }

  /** Records ever pushed, including overwritten ones. */
  get total(): number {
    return this.#total;
  }

  /** Matching records, oldest first. */
  list(filter: RunFilter = {}): RunRecord[] {
    const out: RunRecord[] = [];
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    for (let i = 0; i < this.#size; i++) {
      const r = this.#ring[(start + i) % this.capacity]!;
      if (filter.plugin !== undefined && r.plugin !== filter.plugin) continue;
      if (filter.job !== undefined && r.job !== filter.job) continue;
      out.push(r);
    }
    return filter.limit !== undefined && out.length > filter.limit
      ? out.slice(out.length - filter.limit)
      : out;
  }

  clear(): void {
    this.#ring.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}
