import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeAlerts } from '../test/loopback.js';
import { createVirtualClock } from '../test/virtual-clock.js';
import { dispatchAlerts, drainOutbox } from './dispatch.js';
import type { Outbox } from './outbox.js';
import { createSqliteOutbox } from './sqlite-outbox.js';
import { createSqliteMarkerStore } from './sqlite-marker-store.js';
import { createMemoryMarkerStore, type MarkerStore } from './marker-store.js';
import type { AlertMessage, DeliveryOutcome, Publisher } from './publisher.js';

const noRetry = { attempts: 1, baseMs: 0, maxMs: 0 };

/** A publisher whose sends wait for `gate` (when given), so two runs overlap deterministically. */
function slowPublisher(options: { gate?: Promise<void>; fail?: boolean } = {}): Publisher & {
  sent: string[];
} {
  const sent: string[] = [];
  return {
    channel: 'console',
    secrets: [],
    missingConfig: () => [],
    sent,
    async send(message: AlertMessage): Promise<readonly DeliveryOutcome[]> {
      await options.gate;
      if (options.fail === true) throw new Error('provider down');
      sent.push(message.alertKey);
      return [{ ok: true, provider: 'console' }];
    },
  };
}

describe('marker leases (§19.8)', () => {
  it('two concurrent runs sharing a store send each alert once; the loser reports in_flight', async () => {
    const markers = createMemoryMarkerStore();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const a = slowPublisher({ gate });
    const b = slowPublisher({ gate });
    const alerts = makeAlerts(3);
    const runA = dispatchAlerts(alerts, { publishers: [a], markers, retry: noRetry });
    const runB = dispatchAlerts(alerts, { publishers: [b], markers, retry: noRetry });
    // Let both runs reach their first send (or skip) before any send finishes. They get there on
    // promise callbacks alone (memory store), which all run before any timer fires: no race with time.
    await new Promise((resolve) => setTimeout(resolve, 10));
    open();
    const [ra, rb] = await Promise.all([runA, runB]);
    expect([...a.sent, ...b.sent].sort()).toEqual(alerts.map((m) => m.alertKey).sort());
    const reasons = [...ra.skipped, ...rb.skipped].map((r) => r.reason);
    expect(reasons.length).toBe(3);
    for (const reason of reasons) expect(['in_flight', 'duplicate_alert']).toContain(reason);
    expect(reasons).toContain('in_flight');
    expect(markers.size).toBe(3);
  });

  it('releases the lease after success and after failure; a failed send leaves no marker', async () => {
    const markers = createMemoryMarkerStore();
    const alerts = makeAlerts(1);
    const failed = await dispatchAlerts(alerts, {
      publishers: [slowPublisher({ fail: true })],
      markers,
      retry: noRetry,
    });
    expect(failed.failed).toHaveLength(1);
    expect(markers.size).toBe(0);
    // The lease was released: a second run may send at once.
    const ok = slowPublisher();
    const retried = await dispatchAlerts(alerts, { publishers: [ok], markers, retry: noRetry });
    expect(retried.sent).toHaveLength(1);
    expect(ok.sent).toHaveLength(1);
    const key = alerts[0]?.alertKey ?? '';
    const lease = await markers.acquireLease('strategy_plugin_console_alerts', key);
    expect(lease).not.toBeNull();
    await lease?.release();
  });

  it('a lease expires after its TTL, and a stale holder cannot release its successor', async () => {
    let now = 1_000;
    const markers = createMemoryMarkerStore({ now: () => now });
    const first = await markers.acquireLease('ns', 'k', { ttlMs: 100 });
    expect(first).not.toBeNull();
    expect(await markers.acquireLease('ns', 'k', { ttlMs: 100 })).toBeNull();
    now += 100;
    const second = await markers.acquireLease('ns', 'k', { ttlMs: 100 });
    expect(second).not.toBeNull();
    await first?.release();
    expect(await markers.acquireLease('ns', 'k')).toBeNull();
    await second?.release();
    expect(await markers.acquireLease('ns', 'k')).not.toBeNull();
  });

  it('a lease that cannot be taken (store error) still sends, with a warning', async () => {
    const base = createMemoryMarkerStore();
    const markers: MarkerStore = {
      has: (ns, key, o) => base.has(ns, key, o),
      record: (ns, key, m, o) => base.record(ns, key, m, o),
      acquireLease: async () => {
        throw new Error('connection refused password=hunter2hunter2');
      },
    };
    const publisher = slowPublisher();
    const result = await dispatchAlerts(makeAlerts(1), { publishers: [publisher], markers, retry: noRetry });
    expect(result.sent).toHaveLength(1);
    const warning = result.sent[0]?.warnings?.[0] ?? '';
    expect(warning).toMatch(/^marker_lease_failed: /);
    expect(warning).not.toContain('hunter2');
  });

  it('a key recorded by another holder between the check and the lease is a duplicate', async () => {
    const base = createMemoryMarkerStore();
    const markers: MarkerStore = {
      has: (ns, key, o) => base.has(ns, key, o),
      record: (ns, key, m, o) => base.record(ns, key, m, o),
      async acquireLease(ns, key, o) {
        // The other host finishes its send while we wait for the lease.
        await base.record(ns, key, { subject: 'sent elsewhere' });
        return base.acquireLease(ns, key, o);
      },
    };
    const publisher = slowPublisher();
    const result = await dispatchAlerts(makeAlerts(1), { publishers: [publisher], markers, retry: noRetry });
    expect(result.skipped.map((r) => r.reason)).toEqual(['duplicate_alert']);
    expect(publisher.sent).toEqual([]);
  });
});

describe('marker leases with paced (wait-mode) rate limits', () => {
  it('takes each lease only after the rate-limit wait, so waiting never eats the lease', async () => {
    // On an injected clock: the rate-limit waits advance it, so the instants below are the schedule
    // itself, whatever the machine's speed.
    const clock = createVirtualClock();
    const inner = createMemoryMarkerStore();
    const leasedAt: number[] = [];
    const markers: MarkerStore = {
      has: (ns, key, o) => inner.has(ns, key, o),
      record: (ns, key, meta, o) => inner.record(ns, key, meta, o),
      acquireLease: (ns, key, o) => {
        leasedAt.push(clock.now());
        return inner.acquireLease!(ns, key, o);
      },
    };
    const sentAt: number[] = [];
    const publisher: Publisher = {
      channel: 'console',
      secrets: [],
      missingConfig: () => [],
      async send(): Promise<readonly DeliveryOutcome[]> {
        sentAt.push(clock.now());
        return [{ ok: true, provider: 'console' }];
      },
    };
    // 600 a minute with no burst: one send every 100 ms.
    const result = await dispatchAlerts(makeAlerts(4), {
      publishers: [publisher],
      markers,
      retry: noRetry,
      rateLimits: { console: { perMinute: 600, burst: 1 } },
      rateLimitMode: 'wait',
      now: clock.now,
      sleep: clock.sleep,
    });
    expect(result.sent).toHaveLength(4);
    const start = sentAt[0] as number;
    expect(sentAt.map((t) => t - start)).toEqual([0, 100, 200, 300]);
    // Each lease is taken at the instant of its send, after the ~100 ms wait that precedes it, not before.
    expect(leasedAt).toEqual(sentAt);
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(300);
  });
});

describe('review findings: leases without a lease-capable store, outbox edge cases', () => {
  it('two concurrent runs sharing a SQLite store (no store lease) still send each alert once', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'keel-lease-'));
    const markers = createSqliteMarkerStore({ path: path.join(dir, 'markers.db') });
    try {
      let open!: () => void;
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const a = slowPublisher({ gate });
      const b = slowPublisher({ gate });
      const alerts = makeAlerts(3);
      const runs = Promise.all([
        dispatchAlerts(alerts, { publishers: [a], markers, retry: noRetry }),
        dispatchAlerts(alerts, { publishers: [b], markers, retry: noRetry }),
      ]);
      // As above: synchronous SQLite, so both runs park on promise callbacks before this timer fires.
      await new Promise((resolve) => setTimeout(resolve, 10));
      open();
      const [ra, rb] = await runs;
      expect([...a.sent, ...b.sent].sort()).toEqual(alerts.map((m) => m.alertKey).sort());
      expect([...ra.skipped, ...rb.skipped].map((r) => r.reason)).toContain('in_flight');
    } finally {
      await markers.close?.();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a drain that meets a key in flight elsewhere puts the item back instead of dead-lettering it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'keel-lease-'));
    let t = 0;
    const now = () => t;
    const outbox = createSqliteOutbox({ path: path.join(dir, 'outbox.db'), now });
    const markers = createMemoryMarkerStore({ now });
    try {
      const alerts = makeAlerts(1);
      const failing = slowPublisher({ fail: true });
      await dispatchAlerts(alerts, { publishers: [failing], markers, retry: noRetry, outbox, now });
      t = 10 * 60_000;
      // Another sender holds the key while the drain runs.
      const held = await markers.acquireLease('strategy_plugin_console_alerts', alerts[0]!.alertKey);
      expect(held).not.toBeNull();
      const drained = await drainOutbox(outbox, {
        publishers: [slowPublisher()],
        markers,
        retry: noRetry,
        now,
      });
      await held?.release();
      expect(drained.deadLettered).toHaveLength(0);
      expect(drained.skipped.map((r) => r.reason)).toEqual(['in_flight']);
      // Once the other sender is done (here: gave up), a later drain delivers it.
      t = 60 * 60_000;
      const later = await drainOutbox(outbox, {
        publishers: [slowPublisher()],
        markers,
        retry: noRetry,
        now,
      });
      expect(later.sent).toHaveLength(1);
      expect(later.deadLettered).toHaveLength(0);
    } finally {
      outbox.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an outbox that cannot write does not abort the run: the failure is reported with a warning', async () => {
    const broken = {
      enqueue() {
        throw new Error('SQLITE_BUSY: database is locked');
      },
    } as unknown as Outbox;
    const result = await dispatchAlerts(makeAlerts(2), {
      publishers: [slowPublisher({ fail: true })],
      markers: createMemoryMarkerStore(),
      retry: noRetry,
      outbox: broken,
    });
    expect(result.failed).toHaveLength(2);
    for (const r of result.failed)
      expect(r.warnings?.[0]).toMatch(/^outbox_enqueue_failed: Error: SQLITE_BUSY/);
  });
});

describe('outbox drain stopped early', () => {
  it('puts back the claimed items it did not try, so the next drain sees them at once', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'keel-drain-'));
    let t = 0;
    const now = () => t;
    const outbox = createSqliteOutbox({ path: path.join(dir, 'outbox.db'), now });
    const markers = createMemoryMarkerStore({ now });
    try {
      await dispatchAlerts(makeAlerts(3), {
        publishers: [slowPublisher({ fail: true })],
        markers,
        retry: noRetry,
        outbox,
        now,
      });
      t = 10 * 60_000;
      const controller = new AbortController();
      const aborting: Publisher = {
        ...slowPublisher(),
        async send(): Promise<readonly DeliveryOutcome[]> {
          controller.abort(new Error('shutting down'));
          throw new Error('aborted mid-send');
        },
      };
      await expect(
        drainOutbox(outbox, {
          publishers: [aborting],
          markers,
          retry: noRetry,
          now,
          signal: controller.signal,
        }),
      ).rejects.toThrow();
      // Same instant: nothing is left hidden behind the drain's claim lease.
      expect(outbox.claimDue(10)).toHaveLength(3);
    } finally {
      outbox.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
