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
  /** Releases files or connections. */
  close?(): Promise<void>;
}

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
  readonly size: number;
} {
  const opts = parseOptions(MemoryMarkerStoreOptionsSchema, options, 'memoryMarkerStore');
  const now = opts.now ?? Date.now;
  const markers = new Map<string, { recordedAt: number; metadata: Readonly<Record<string, unknown>> }>();
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
    async close() {},
    get size() {
      return markers.size;
    },
  };
}
