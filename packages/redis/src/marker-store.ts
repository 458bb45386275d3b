import { randomUUID } from 'node:crypto';
import {
  DEFAULT_MARKER_LEASE_MS,
  isMarkerFresh,
  type MarkerLease,
  type MarkerStore,
  markerDocument,
  markerSchemaVersionFor,
} from '@keel/notify';
import { openConnection, positiveNumber, type RedisConnectionOptions } from './connection.js';

export interface RedisMarkerStoreOptions extends RedisConnectionOptions {
  /** Default marker TTL (§19.8): markers are written with `PX` and older ones count as absent. */
  ttlMs?: number | undefined;
  /** Lease lifetime when the caller gives none (default 120 s). */
  leaseMs?: number | undefined;
  /** Clock in epoch ms for `recorded_at` and TTL checks (default `Date.now`). */
  now?: (() => number) | undefined;
}

// Deletes the lease only if it is still ours: an expired lease may already belong to another host.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Alert markers in Redis (§19.4), shared by every host that points at the same Redis: one string key
 * per (namespace, key) holding the §19.4 marker document, written with `SET NX` (plus `PX` when a TTL
 * applies), and a lease key per (namespace, key) so two hosts never send the same alert concurrently.
 */
export function createRedisMarkerStore(options: RedisMarkerStoreOptions): MarkerStore & {
  acquireLease: NonNullable<MarkerStore['acquireLease']>;
  close(): Promise<void>;
} {
  const conn = openConnection(options, 'redisMarkerStore');
  const defaultTtl = options.ttlMs === undefined ? undefined : positiveNumber(options.ttlMs, 'ttlMs', 1);
  const leaseMs = positiveNumber(options.leaseMs, 'leaseMs', DEFAULT_MARKER_LEASE_MS);
  const now = options.now ?? Date.now;
  const markerKey = (ns: string, key: string): string =>
    `${conn.prefix}marker:${encodeURIComponent(ns)}:${key}`;
  const leaseKey = (ns: string, key: string): string =>
    `${conn.prefix}lease:${encodeURIComponent(ns)}:${key}`;

  /** Whether a stored document is still valid under `ttl`; unreadable documents count as present. */
  const fresh = (doc: string, ttl: number | undefined): boolean => {
    if (ttl === undefined) return true;
    let recordedAt = Number.NaN;
    try {
      const parsed = JSON.parse(doc) as { recorded_at?: unknown };
      if (typeof parsed.recorded_at === 'string') recordedAt = Date.parse(parsed.recorded_at);
    } catch {
      // Not ours or corrupted: existence is what counts (§19.4).
    }
    return isMarkerFresh(recordedAt, now(), ttl);
  };

  return {
    async has(namespace, key, check) {
      const ttl = check?.ttlMs ?? defaultTtl;
      const id = markerKey(namespace, key);
      if (ttl === undefined) return (await conn.run('marker check', (r) => r.exists(id))) > 0;
      const doc = await conn.run('marker check', (r) => r.get(id));
      return doc !== null && fresh(doc, ttl);
    },

    async record(namespace, key, metadata, write) {
      const at = now();
      const doc = markerDocument(
        key,
        metadata,
        at,
        write?.schemaVersion ?? markerSchemaVersionFor(namespace),
      );
      const ttl = write?.ttlMs ?? defaultTtl;
      const id = markerKey(namespace, key);
      const created = await conn.run('marker write', (r) =>
        ttl === undefined ? r.set(id, doc, 'NX') : r.set(id, doc, 'PX', Math.ceil(ttl), 'NX'),
      );
      if (created !== null || ttl === undefined) return;
      // The key exists. With a TTL an old marker (e.g. written permanently before a TTL was set) was
      // judged absent and the alert re-sent, so it must be renewed or every later run sends again.
      const existing = await conn.run('marker write', (r) => r.get(id));
      if (existing !== null && fresh(existing, ttl)) return;
      await conn.run('marker write', (r) => r.set(id, doc, 'PX', Math.ceil(ttl)));
    },

    async acquireLease(namespace, key, lease) {
      const ttl = Math.ceil(positiveNumber(lease?.ttlMs, 'ttlMs', leaseMs));
      const id = leaseKey(namespace, key);
      const token = randomUUID();
      const taken = await conn.run('marker lease', (r) => r.set(id, token, 'PX', ttl, 'NX'));
      if (taken === null) return null;
      const held: MarkerLease = {
        async release() {
          await conn.run('marker lease release', (r) => r.eval(RELEASE, 1, id, token));
        },
      };
      return held;
    },

    close: () => conn.close(),
  };
}
