import type { AlertMessage } from './publisher.js';

export type OutboxReason = 'send_failed' | 'rate_limited';

/** One queued delivery. */
export interface OutboxItem {
  readonly id: number;
  readonly channel: string;
  readonly markerNamespace: string;
  readonly alertKey: string;
  readonly message: AlertMessage;
  readonly reason: OutboxReason;
  /** Delivery attempts made so far (including the dispatch that queued it). */
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | undefined;
  readonly status: 'pending' | 'dead';
  readonly createdAt: number;
}

export interface EnqueueInput {
  readonly channel: string;
  readonly markerNamespace: string;
  readonly message: AlertMessage;
  readonly reason: OutboxReason;
  /** Redacted error text. */
  readonly error?: string | undefined;
  /** The provider's requested wait; the next try is not before it. */
  readonly retryAfterMs?: number | undefined;
  /** True when a delivery was actually tried (a failure); false for a rate-limit hold. */
  readonly attempted: boolean;
}

/** What happened to an item after a failed drain attempt. */
export type OutboxFailure =
  | { readonly state: 'retry'; readonly nextAttemptAt: number }
  | { readonly state: 'dead' };

/**
 * A persistent queue of deliveries to try again (§19.8). One live item per (channel, alert key):
 * queueing an alert that is already queued updates it instead of adding a second copy.
 */
export interface Outbox {
  enqueue(input: EnqueueInput): OutboxItem;
  /** Claims up to `limit` due items (a lease keeps concurrent drainers off them) and returns them. */
  claimDue(limit?: number): OutboxItem[];
  /** Deletes a delivered (or no longer needed) item. */
  complete(id: number): void;
  /** Counts a failed attempt; dead-letters the item after `maxAttempts`. */
  fail(id: number, error: string, retryAfterMs?: number): OutboxFailure;
  /** Dead-letters an item at once (a failure retrying cannot fix, such as a rejected credential). */
  deadLetter(id: number, error: string): void;
  /** Puts an item back without counting an attempt (rate-limited), not before `notBefore`. */
  release(id: number, notBefore: number): void;
  list(status?: 'pending' | 'dead'): OutboxItem[];
  readonly pendingCount: number;
  close(): void;
}

/** `min(maxDelayMs, baseDelayMs · 2^(attempts−1))`: 30 s, 60 s, 120 s, … capped at 1 h. */
export function outboxDelay(attempts: number, baseDelayMs = 30_000, maxDelayMs = 3_600_000): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempts - 1));
}
