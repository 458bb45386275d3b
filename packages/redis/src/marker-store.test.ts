import { type AlertMessage, type DeliveryOutcome, dispatchAlerts, type Publisher } from '@keel/notify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { needsRedis, type RedisServer, redisServerPath, startRedisServer } from '../test/redis-server.js';
import { RedisAdapterError } from './errors.js';
import { createRedisMarkerStore } from './marker-store.js';

const noRetry = { attempts: 1, baseMs: 0, maxMs: 0 };

function alerts(n: number, tag: string): AlertMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    alertKey: `strategy_plugin_alert/${tag}/2026-05-${10 + i}/risk_off/${i}`,
    subject: `alert ${i}`,
    body: 'body',
    metadata: { as_of: `2026-05-${10 + i}` },
  }));
}

/** Records what it sent into a list shared by every "host", after a short delay so runs overlap. */
function publisher(sent: string[], options: { fail?: boolean } = {}): Publisher {
  return {
    channel: 'console',
    secrets: [],
    missingConfig: () => [],
    async send(message): Promise<readonly DeliveryOutcome[]> {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (options.fail === true) throw new Error('provider down');
      sent.push(message.alertKey);
      return [{ ok: true, provider: 'console' }];
    },
  };
}

describe.skipIf(!redisServerPath)(`Redis marker store${needsRedis}`, () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('two hosts dispatching the same alerts concurrently send each exactly once', async () => {
    const a = createRedisMarkerStore({ url: server.url, prefix: 't1:' });
    const b = createRedisMarkerStore({ url: server.url, prefix: 't1:' });
    const sent: string[] = [];
    const batch = alerts(6, 'concurrent');
    const [ra, rb] = await Promise.all([
      dispatchAlerts(batch, { publishers: [publisher(sent)], markers: a, retry: noRetry }),
      dispatchAlerts(batch, { publishers: [publisher(sent)], markers: b, retry: noRetry }),
    ]);
    expect([...sent].sort()).toEqual(batch.map((m) => m.alertKey).sort());
    expect(ra.sent.length + rb.sent.length).toBe(6);
    for (const r of [...ra.skipped, ...rb.skipped])
      expect(['in_flight', 'duplicate_alert']).toContain(r.reason);
    // A later run on either host finds every marker.
    const again = await dispatchAlerts(batch, { publishers: [publisher(sent)], markers: a, retry: noRetry });
    expect(again.skipped.map((r) => r.reason)).toEqual(Array(6).fill('duplicate_alert'));
    // The marker is the §19.4 document; no lease is left behind.
    const raw = new Redis(server.url);
    const first = batch[0]?.alertKey ?? '';
    const doc = JSON.parse((await raw.get(`t1:marker:strategy_plugin_console_alerts:${first}`)) ?? '{}');
    expect(doc).toMatchObject({ alert_key: first, metadata: { subject: 'alert 0' } });
    expect(await raw.exists(`t1:lease:strategy_plugin_console_alerts:${first}`)).toBe(0);
    await raw.quit();
    await Promise.all([a.close(), b.close()]);
  });

  it('a failed send leaves no marker and no lease', async () => {
    const store = createRedisMarkerStore({ url: server.url, prefix: 't2:' });
    const sent: string[] = [];
    const batch = alerts(2, 'failing');
    const failed = await dispatchAlerts(batch, {
      publishers: [publisher(sent, { fail: true })],
      markers: store,
      retry: noRetry,
    });
    expect(failed.failed).toHaveLength(2);
    expect(await store.has('strategy_plugin_console_alerts', batch[0]?.alertKey ?? '')).toBe(false);
    const retried = await dispatchAlerts(batch, {
      publishers: [publisher(sent)],
      markers: store,
      retry: noRetry,
    });
    expect(retried.sent).toHaveLength(2);
    await store.close();
  });

  it('TTL markers expire (Redis PX) and are judged by recorded_at under a per-call TTL', async () => {
    // Redis expires keys on its own clock, which a test cannot inject. So "still there" is checked
    // with a TTL no machine is slow enough to outlive, and "gone" is waited for (generous deadline)
    // on a marker with a short one: no assertion depends on how fast the round trips are.
    const redis = new Redis(server.url);
    const store = createRedisMarkerStore({ redis, prefix: 't3:', ttlMs: 60_000 });
    await store.record('ns', 'k', { subject: 's' });
    expect(await store.has('ns', 'k')).toBe(true);
    const pttl = await redis.pttl('t3:marker:ns:k');
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(60_000);
    await store.record('ns', 'brief', { subject: 's' }, { ttlMs: 50 });
    expect(await redis.pttl('t3:marker:ns:brief')).toBeLessThanOrEqual(50);
    await vi.waitFor(async () => expect(await redis.exists('t3:marker:ns:brief')).toBe(0), {
      timeout: 10_000,
      interval: 20,
    });
    expect(await store.has('ns', 'brief')).toBe(false);
    expect(await store.has('ns', 'k')).toBe(true);

    // A permanent marker checked with a TTL: old by recorded_at → absent, and a new record renews it.
    let now = Date.parse('2026-01-01T00:00:00Z');
    const permanent = createRedisMarkerStore({ redis, prefix: 't3:', now: () => now });
    await permanent.record('ns', 'p', {});
    now += 10_000;
    expect(await permanent.has('ns', 'p')).toBe(true);
    expect(await permanent.has('ns', 'p', { ttlMs: 5_000 })).toBe(false);
    await permanent.record('ns', 'p', {}, { ttlMs: 5_000 });
    expect(await permanent.has('ns', 'p', { ttlMs: 5_000 })).toBe(true);
    await store.close();
    await permanent.close();
    // A client passed in stays open: the caller owns it.
    expect(redis.status).toBe('ready');
    await redis.quit();
  });

  it('a lease is exclusive, expires, and only its holder can release it', async () => {
    const a = createRedisMarkerStore({ url: server.url, prefix: 't4:' });
    const b = createRedisMarkerStore({ url: server.url, prefix: 't4:' });
    // Exclusive: checked under a TTL that cannot run out during the check, however slow the machine.
    const held = await a.acquireLease('ns', 'k', { ttlMs: 60_000 });
    expect(held).not.toBeNull();
    expect(await b.acquireLease('ns', 'k')).toBeNull();
    await held?.release();
    // Expires: a short lease nobody releases; b gets the key once Redis drops it (waited for, with a
    // generous deadline, instead of sleeping a guessed amount).
    const lease = await a.acquireLease('ns', 'k', { ttlMs: 50 });
    expect(lease).not.toBeNull();
    let taken: Awaited<ReturnType<typeof b.acquireLease>> = null;
    await vi.waitFor(
      async () => {
        taken ??= await b.acquireLease('ns', 'k', { ttlMs: 60_000 });
        expect(taken).not.toBeNull();
      },
      { timeout: 10_000, interval: 20 },
    );
    // The stale holder's release must not free its successor's lease.
    await lease?.release();
    expect(await a.acquireLease('ns', 'k')).toBeNull();
    await (taken as Awaited<ReturnType<typeof b.acquireLease>>)?.release();
    expect(await a.acquireLease('ns', 'k')).not.toBeNull();
    await Promise.all([a.close(), b.close()]);
  });

  it('rejects bad options with REDIS_INVALID_OPTION and never shows URL credentials', () => {
    expect(() => createRedisMarkerStore({})).toThrow(RedisAdapterError);
    try {
      createRedisMarkerStore({ url: 'http://user:hunter2@example.com' });
      expect.unreachable();
    } catch (error) {
      expect((error as RedisAdapterError).code).toBe('REDIS_INVALID_OPTION');
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('with Redis stopped, a marker check counts as absent with a warning and nothing throws', async () => {
    const own = await startRedisServer();
    const errors: RedisAdapterError[] = [];
    const store = createRedisMarkerStore({
      url: own.url.replace('redis://', 'redis://keel:s3cretpass@'),
      commandTimeoutMs: 300,
      onError: (e) => errors.push(e),
    });
    await own.stop();
    const sent: string[] = [];
    const result = await dispatchAlerts(alerts(1, 'down'), {
      publishers: [publisher(sent)],
      markers: store,
      retry: noRetry,
    });
    expect(result.sent).toHaveLength(1);
    const warnings = result.sent[0]?.warnings ?? [];
    expect(warnings.some((w) => w.startsWith('marker_check_failed: '))).toBe(true);
    expect(warnings.some((w) => w.startsWith('marker_record_failed: '))).toBe(true);
    expect(JSON.stringify(result)).not.toContain('s3cretpass');
    for (const e of errors) expect(e.message).not.toContain('s3cretpass');
    await expect(store.has('ns', 'k')).rejects.toBeInstanceOf(RedisAdapterError);
    await store.close();
  });
});
