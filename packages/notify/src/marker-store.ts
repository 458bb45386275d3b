import { z } from 'zod';
import { parseOptions } from './parse-options.js';

/** Per-call marker check options. */
export interface MarkerCheckOptions {
  /** A marker older than this (by its `recorded_at`) counts as absent (§19.8). Overrides the store default. */
  ttlMs?: number | undefined;
}

/** Per-call marker write options. */
export interface MarkerRecordOptions {
  /** `schema_version` written with the marker; default derived from the namespace (§19.1). */
  schemaVersion?: string | undefined;
  /**
   * The TTL the run checks markers with (§19.8). Stores whose back-end expires entries (Redis) use it
   * as the entry's expiry; stores that judge age by `recorded_at` may ignore it.
   */
  ttlMs?: number | undefined;
}

/** Per-call lease options. */
export interface MarkerLeaseOptions {
  /** How long the lease lives if its holder dies before releasing it. */
  ttlMs?: number | undefined;
}

/** A short-lived claim on one (namespace, key) while an alert is being sent (§19.8). */
export interface MarkerLease {
  /** Gives the key back; a lease that has already expired or been taken over is left alone. */
  release(): Promise<void>;
}

/**
 * De-duplication markers (§19.4): one marker per (store namespace, alert key), written only after a
 * successful send. Only existence (and, with a TTL, age) is ever checked.
 */
export interface MarkerStore {
  has(namespace: string, key: string, options?: MarkerCheckOptions): Promise<boolean>;
  record(
    namespace: string,
    key: string,
    metadata: Readonly<Record<string, unknown>>,
    options?: MarkerRecordOptions,
  ): Promise<void>;
  /**
   * Claims (namespace, key) so that two hosts sharing the store do not send the same alert at the
   * same time. Resolves to `null` when another holder has it. Optional: stores shared by one process
   * only need not implement it. The permanent marker is still written by `record` after success.
   */
  acquireLease?(namespace: string, key: string, options?: MarkerLeaseOptions): Promise<MarkerLease | null>;
  /** Releases files or connections. */
  close?(): Promise<void>;
}

/** Lease lifetime when the caller gives none: longer than any sane send, short enough to recover. */
export const DEFAULT_MARKER_LEASE_MS = 120_000;

/** Options shared by every marker store. */
export const MarkerStoreBaseOptionsSchema = z.object({
  /** Default marker TTL in ms (env `KEEL_ALERT_MARKER_TTL_MS`); absent = markers never expire. */
  ttlMs: z.number().int().positive().optional(),
  /** Clock (epoch ms), injectable for tests. */
  now: z.custom<() => number>((v) => typeof v === 'function').optional(),
});

/** `strategy_plugin_email_alerts` → `strategy_plugin_email_alert_marker.v1` (§19.1). */
export function markerSchemaVersionFor(namespace: string): string {
  const base = namespace.endsWith('s') ? namespace.slice(0, -1) : namespace;
  return `${base}_marker.v1`;
}

/** True when a marker recorded at `recordedAtMs` is still valid at `nowMs` under `ttlMs`. */
export function isMarkerFresh(recordedAtMs: number, nowMs: number, ttlMs: number | undefined): boolean {
  if (ttlMs === undefined) return true;
  if (!Number.isFinite(recordedAtMs)) return true;
  return nowMs - recordedAtMs < ttlMs;
}

export const MemoryMarkerStoreOptionsSchema = MarkerStoreBaseOptionsSchema;
export type MemoryMarkerStoreOptions = z.input<typeof MemoryMarkerStoreOptionsSchema>;

/** In-process markers: for tests, benchmarks and single-run tools. Lost when the process exits. */
export function createMemoryMarkerStore(options: MemoryMarkerStoreOptions = {}): MarkerStore & {
  acquireLease: NonNullable<MarkerStore['acquireLease']>;
  readonly size: number;
} {
  const opts = parseOptions(MemoryMarkerStoreOptionsSchema, options, 'memoryMarkerStore');
  const now = opts.now ?? Date.now;
  const markers = new Map<string, { recordedAt: number; metadata: Readonly<Record<string, unknown>> }>();
  const leases = new Map<string, { token: object; expiresAt: number }>();
  const id = (namespace: string, key: string): string => `${namespace}\u0000${key}`;
  return {
    async has(namespace, key, check) {
      const marker = markers.get(id(namespace, key));
      if (marker === undefined) return false;
      return isMarkerFresh(marker.recordedAt, now(), check?.ttlMs ?? opts.ttlMs);
    },
    async record(namespace, key, metadata) {
      markers.set(id(namespace, key), { recordedAt: now(), metadata: { ...metadata } });
    },
    async acquireLease(namespace, key, lease) {
      const leaseId = id(namespace, key);
      const at = now();
      const held = leases.get(leaseId);
      if (held !== undefined && held.expiresAt > at) return null;
      // A fresh object per lease, so a holder whose lease expired cannot release its successor's.
      const token = {};
      leases.set(leaseId, { token, expiresAt: at + (lease?.ttlMs ?? DEFAULT_MARKER_LEASE_MS) });
      return {
        async release() {
          if (leases.get(leaseId)?.token === token) leases.delete(leaseId);
        },
      };
    },
    async close() {},
    get size() {
      return markers.size;
    },
  };
}
