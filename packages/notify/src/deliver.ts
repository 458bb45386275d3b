import type { Logger } from '@keel/contract';
import type { ChannelNamespaces } from './channels.js';
import { DeliveryError, describeError, isRetryable, retryAfterOf } from './errors.js';
import { DEFAULT_MARKER_LEASE_MS, type MarkerLease, type MarkerStore } from './marker-store.js';
import type { AlertMessage, DeliveryOutcome, Publisher, SendContext } from './publisher.js';
import type { ChannelRateLimit } from './rate-limit.js';
import { type Redactor, redactValue } from './redact.js';
import type { DeliveryRecord, DeliveryStatus } from './report.js';
import { retryWithBackoff } from './retry.js';
import { abortReason, type Sleep } from './sleep.js';

/** Everything the per-message algorithm needs for one channel in one run. */
export interface ChannelRuntime {
  readonly channel: string;
  readonly publisher: Publisher | undefined;
  readonly namespaces: ChannelNamespaces;
  readonly redact: Redactor;
  readonly markers: MarkerStore;
  readonly markerTtlMs: number | undefined;
  readonly rateLimit: ChannelRateLimit | undefined;
  readonly rateLimitMode: 'skip' | 'wait';
  readonly retry: { readonly attempts: number; readonly baseMs: number; readonly maxMs: number };
  readonly sendTimeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly log: Logger;
  readonly now: () => number;
  readonly sleep: Sleep | undefined;
  readonly random: (() => number) | undefined;
}

/** The result of one message on one channel. */
export interface MessageResult {
  readonly status: DeliveryStatus;
  readonly records: DeliveryRecord[];
  /** For failures and rate limits: whether a later try may succeed (outbox candidates). */
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** Redacted failure text for the outbox. */
  readonly error: string | undefined;
}

export const noopLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Diagnostic record with the subject and metadata redacted (§19.5: every diagnostic). */
export function makeRecord(
  rt: ChannelRuntime,
  message: AlertMessage,
  status: DeliveryStatus,
  extra: { reason?: string; error?: string; warnings?: readonly string[]; provider?: string } = {},
): DeliveryRecord {
  const record: {
    -readonly [K in keyof DeliveryRecord]: DeliveryRecord[K];
  } = {
    channel: rt.channel,
    alertKey: message.alertKey,
    subject: rt.redact(message.subject),
    status,
    metadata: redactValue(message.metadata, rt.redact) as Record<string, unknown>,
  };
  if (extra.reason !== undefined) record.reason = extra.reason;
  if (extra.error !== undefined) record.error = rt.redact(extra.error);
  if (extra.warnings !== undefined && extra.warnings.length > 0)
    record.warnings = extra.warnings.map(rt.redact);
  if (extra.provider !== undefined) record.provider = rt.redact(extra.provider);
  return record;
}

// Thrown inside the retry loop when the publisher reported failure for every destination.
class FailedOutcomes extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(readonly outcomes: readonly DeliveryOutcome[]) {
    super('every destination failed');
    this.retryable = outcomes.some((o) => o.retryable !== false);
    const waits = outcomes.map((o) => o.retryAfterMs).filter((ms): ms is number => typeof ms === 'number');
    this.retryAfterMs = waits.length > 0 ? Math.max(...waits) : undefined;
  }
}

async function sendWithTimeout(
  rt: ChannelRuntime,
  publisher: Publisher,
  message: AlertMessage,
): Promise<readonly DeliveryOutcome[]> {
  const controller = new AbortController();
  const signal =
    rt.signal === undefined ? controller.signal : AbortSignal.any([rt.signal, controller.signal]);
  const ctx: SendContext = { signal, redact: rt.redact, log: rt.log, now: rt.now };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const guards = new Promise<never>((_, reject) => {
    if (rt.sendTimeoutMs > 0) {
      timer = setTimeout(() => {
        const error = new DeliveryError(
          'TIMEOUT',
          `${rt.channel} send timed out after ${rt.sendTimeoutMs} ms`,
        );
        controller.abort(error);
        reject(error);
      }, rt.sendTimeoutMs);
    }
    if (rt.signal !== undefined) {
      const outer = rt.signal;
      onAbort = () => reject(abortReason(outer));
      outer.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    if (timer === undefined && onAbort === undefined) return await publisher.send(message, ctx);
    return await Promise.race([publisher.send(message, ctx), guards]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort !== undefined) rt.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * §19.2 steps 3–5 for one message (step 1, incomplete configuration, is decided per channel by the
 * caller): marker check, rate limit, send with bounded retries, marker write only after success.
 * `attempts` overrides the retry budget (the outbox makes exactly one try per drain).
 */
export async function processMessage(
  rt: ChannelRuntime,
  publisher: Publisher,
  message: AlertMessage,
  attempts: number = rt.retry.attempts,
): Promise<MessageResult> {
  const none = { retryable: false, retryAfterMs: undefined, error: undefined } as const;
  const key = message.alertKey;
  if (typeof key !== 'string' || key.trim() === '') {
    return {
      status: 'skipped',
      records: [makeRecord(rt, message, 'skipped', { reason: 'missing_alert_key' })],
      ...none,
    };
  }

  const warnings: string[] = [];
  try {
    if (await rt.markers.has(rt.namespaces.markerNamespace, key, { ttlMs: rt.markerTtlMs })) {
      return {
        status: 'skipped',
        records: [makeRecord(rt, message, 'skipped', { reason: 'duplicate_alert' })],
        ...none,
      };
    }
  } catch (error) {
    // A broken store must not silence alerts: treat the marker as absent and say so.
    warnings.push(`marker_check_failed: ${describeError(error, rt.redact)}`);
  }

  // Pace before taking the lease: a long rate-limit wait must not eat the lease's lifetime.
  if (rt.rateLimit !== undefined && rt.rateLimitMode === 'wait') await rt.rateLimit.acquire(rt.signal);

  let lease: MarkerLease | null | undefined;
  try {
    lease =
      rt.markers.acquireLease !== undefined
        ? await rt.markers.acquireLease(rt.namespaces.markerNamespace, key, {
            ttlMs: leaseTtlMs(rt, attempts),
          })
        : acquireLocalLease(rt.markers, rt.namespaces.markerNamespace, key);
  } catch (error) {
    // Like a failing marker check: a broken lease must not silence alerts.
    warnings.push(`marker_lease_failed: ${describeError(error, rt.redact)}`);
  }
  if (lease === null) {
    return {
      status: 'skipped',
      records: [makeRecord(rt, message, 'skipped', { reason: 'in_flight', warnings })],
      ...none,
    };
  }
  if (lease === undefined || lease === null) return sendAndRecord(rt, publisher, message, attempts, warnings);
  const held = lease;
  try {
    // Another host may have sent and recorded the key between our check and our lease.
    try {
      if (await rt.markers.has(rt.namespaces.markerNamespace, key, { ttlMs: rt.markerTtlMs })) {
        return {
          status: 'skipped',
          records: [makeRecord(rt, message, 'skipped', { reason: 'duplicate_alert' })],
          ...none,
        };
      }
    } catch (error) {
      // The first check already reported a broken store; one warning per message is enough.
      if (!warnings.some((w) => w.startsWith('marker_check_failed:'))) {
        warnings.push(`marker_check_failed: ${describeError(error, rt.redact)}`);
      }
    }
    return await sendAndRecord(rt, publisher, message, attempts, warnings);
  } finally {
    try {
      await held.release();
    } catch (error) {
      // The lease expires on its own; the delivery result stands.
      rt.log.warn('alerts.marker_lease.release_failed', {
        channel: rt.channel,
        alert_key: key,
        error: describeError(error, rt.redact),
      });
    }
  }
}

// Stores without leases (SQLite, file) still must not let two runs in this process send the same
// key at once (an outbox drain beside a dispatch, two dispatches): an in-process lease per store.
const localLeases = new WeakMap<MarkerStore, Set<string>>();

function acquireLocalLease(store: MarkerStore, namespace: string, key: string): MarkerLease | null {
  let held = localLeases.get(store);
  if (held === undefined) {
    held = new Set();
    localLeases.set(store, held);
  }
  const id = `${namespace}\u0000${key}`;
  if (held.has(id)) return null;
  held.add(id);
  const set = held;
  return {
    async release() {
      set.delete(id);
    },
  };
}

/** Longest a send with its retries may take, plus slack: the lease must outlive it. */
function leaseTtlMs(rt: ChannelRuntime, attempts: number): number {
  if (rt.sendTimeoutMs <= 0) return DEFAULT_MARKER_LEASE_MS;
  return rt.sendTimeoutMs * attempts + rt.retry.maxMs * Math.max(0, attempts - 1) + 5_000;
}

/** §19.2 steps 4–5 after the marker check: rate limit (skip mode), send with retries, marker write after success. */
async function sendAndRecord(
  rt: ChannelRuntime,
  publisher: Publisher,
  message: AlertMessage,
  attempts: number,
  warnings: string[],
): Promise<MessageResult> {
  const key = message.alertKey;
  // In `wait` mode the caller has already paced this message (before taking any lease).
  if (rt.rateLimit !== undefined && rt.rateLimitMode === 'skip') {
    if (!rt.rateLimit.tryAcquire()) {
      return {
        status: 'skipped',
        records: [makeRecord(rt, message, 'skipped', { reason: 'rate_limited', warnings })],
        retryable: true,
        retryAfterMs: rt.rateLimit.waitMs(),
        error: 'rate_limited',
      };
    }
  }

  const once = async (): Promise<readonly DeliveryOutcome[]> => {
    const outcomes = await sendWithTimeout(rt, publisher, message);
    if (outcomes.length > 0 && !outcomes.some((o) => o.ok)) throw new FailedOutcomes(outcomes);
    return outcomes;
  };
  let outcomes: readonly DeliveryOutcome[] | undefined;
  let thrown: unknown;
  try {
    outcomes =
      attempts <= 1
        ? await once()
        : await retryWithBackoff(once, {
            attempts,
            baseMs: rt.retry.baseMs,
            maxMs: rt.retry.maxMs,
            ...(rt.signal === undefined ? {} : { signal: rt.signal }),
            ...(rt.sleep === undefined ? {} : { sleep: rt.sleep }),
            ...(rt.random === undefined ? {} : { random: rt.random }),
            onRetry: ({ error, attempt, delayMs }) => {
              const wait = retryAfterOf(error);
              if (wait !== undefined) rt.rateLimit?.pauseFor(wait);
              rt.log.debug('alerts.publish.retry', {
                channel: rt.channel,
                alert_key: key,
                attempt,
                delay_ms: delayMs,
              });
            },
          });
  } catch (error) {
    if (rt.signal?.aborted) throw abortReason(rt.signal);
    if (error instanceof FailedOutcomes) outcomes = error.outcomes;
    else thrown = error;
  }

  if (outcomes === undefined) {
    const retryAfterMs = retryAfterOf(thrown);
    if (retryAfterMs !== undefined) rt.rateLimit?.pauseFor(retryAfterMs);
    const error = describeError(thrown, rt.redact);
    return {
      status: 'failed',
      records: [makeRecord(rt, message, 'failed', { reason: 'send_failed', error, warnings })],
      retryable: isRetryable(thrown),
      retryAfterMs,
      error,
    };
  }
  if (outcomes.length === 0) {
    const error = 'publisher reported no delivery';
    return {
      status: 'failed',
      records: [makeRecord(rt, message, 'failed', { reason: 'send_failed', error, warnings })],
      retryable: false,
      retryAfterMs: undefined,
      error,
    };
  }

  const succeeded = outcomes.some((o) => o.ok);
  if (!succeeded) {
    const failure = new FailedOutcomes(outcomes);
    if (failure.retryAfterMs !== undefined) rt.rateLimit?.pauseFor(failure.retryAfterMs);
    const records = outcomes.map((o) =>
      makeRecord(rt, message, 'failed', {
        reason: 'send_failed',
        error: o.error ?? 'delivery failed',
        warnings,
        ...(o.provider === undefined ? {} : { provider: o.provider }),
      }),
    );
    return {
      status: 'failed',
      records,
      retryable: failure.retryable,
      retryAfterMs: failure.retryAfterMs,
      error: records.map((r) => r.error).join('; '),
    };
  }

  try {
    await rt.markers.record(
      rt.namespaces.markerNamespace,
      key,
      { subject: message.subject, ...message.metadata },
      { schemaVersion: rt.namespaces.markerSchemaVersion, ttlMs: rt.markerTtlMs },
    );
  } catch (error) {
    warnings.push(`marker_record_failed: ${describeError(error, rt.redact)}`);
  }
  const records = outcomes.map((o) =>
    o.ok
      ? makeRecord(rt, message, 'sent', {
          warnings,
          ...(o.provider === undefined ? {} : { provider: o.provider }),
        })
      : makeRecord(rt, message, 'failed', {
          reason: 'send_failed',
          error: o.error ?? 'delivery failed',
          ...(o.provider === undefined ? {} : { provider: o.provider }),
        }),
  );
  return { status: 'sent', records, retryable: false, retryAfterMs: undefined, error: undefined };
}
