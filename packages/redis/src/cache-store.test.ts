import { definePlugin } from '@keel/contract';
import { createHost, createLogger, createManualClock } from '@keel/host';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { needsRedis, type RedisServer, redisServerPath, startRedisServer } from '../test/redis-server.js';
import { createRedisCacheStore } from './cache-store.js';

const quiet = () => createLogger({ level: 'silent' });

describe.skipIf(!redisServerPath)(`Redis cache store${needsRedis}`, () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a value written through host A is read through host B for the same plugin id', async () => {
    const plugin = (onSetup: (cache: import('@keel/contract').Cache) => Promise<void>) =>
      definePlugin({
        id: 'shared',
        name: 's',
        version: '1.0.0',
        category: 'diag',
        async setup(ctx) {
          await onSetup(ctx.cache);
        },
      });
    const storeA = createRedisCacheStore({ url: server.url, prefix: 'c1:' });
    const storeB = createRedisCacheStore({ url: server.url, prefix: 'c1:' });
    const hostA = createHost({ cache: storeA, services: { logger: quiet() } });
    const hostB = createHost({ cache: storeB, services: { logger: quiet() } });
    await hostA.load([plugin((cache) => cache.put('state', 'last', { close: 101.5, tags: ['a'] }))]);
    let seen: unknown;
    await hostB.load([
      plugin(async (cache) => {
        seen = await cache.get('state', 'last');
      }),
    ]);
    expect(seen).toEqual({ close: 101.5, tags: ['a'] });
    // Another plugin id sees nothing.
    expect(await storeB.forPlugin('other').get('state', 'last')).toBeUndefined();
    await hostA.dispose();
    await hostB.dispose();
  });

  it('expires entries by Redis TTL and by the store clock', async () => {
    const redis = new Redis(server.url);
    const store = createRedisCacheStore({ redis, prefix: 'c2:' });
    const cache = store.forPlugin('p');
    // Redis expires on its own clock: "still there" is checked under a TTL no slow machine outlives,
    // "gone" is waited for on a short one (generous deadline), so round-trip times never matter.
    await cache.put('ns', 'long', 1, { ttlMs: 60_000 });
    await cache.put('ns', 'short', 3, { ttlMs: 50 });
    await cache.put('ns', 'keep', 2);
    expect(await cache.get('ns', 'long')).toBe(1);
    const pttl = await redis.pttl('c2:cache:{p}:v:ns:long');
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(60_000);
    // Dropped by Redis itself (PX), not only hidden by the store's clock check on read.
    await vi.waitFor(async () => expect(await redis.exists('c2:cache:{p}:v:ns:short')).toBe(0), {
      timeout: 10_000,
      interval: 20,
    });
    expect(await cache.get('ns', 'short')).toBeUndefined();
    expect(await cache.get('ns', 'keep')).toBe(2);
    expect(await store.count('p')).toBe(2);

    const clock = createManualClock(1_000);
    const manual = createRedisCacheStore({ redis, prefix: 'c2m:', clock });
    const m = manual.forPlugin('p');
    await m.put('ns', 'k', 'v', { ttlMs: 60_000 });
    clock.set(61_000);
    expect(await m.get('ns', 'k')).toBeUndefined();
    expect(await manual.count('p')).toBe(0);
    await store.close();
    await manual.close();
    await redis.quit();
  });

  it('caps a plugin at maxEntriesPerNamespace, evicting the oldest writes (expired first)', async () => {
    const store = createRedisCacheStore({ url: server.url, prefix: 'c3:', maxEntriesPerNamespace: 3 });
    const cache = store.forPlugin('p');
    await cache.put('a', '1', 1);
    await cache.put('b', '2', 2);
    await cache.put('a', '3', 3);
    await cache.put('a', '1', 11); // rewriting makes `a/1` the newest
    await cache.put('c', '4', 4);
    expect(await cache.get('b', '2')).toBeUndefined();
    expect(await cache.get('a', '3')).toBe(3);
    expect(await cache.get('a', '1')).toBe(11);
    expect(await cache.get('c', '4')).toBe(4);
    expect(store.stats().evictions).toBe(1);
    expect(store.size('p')).toBe(3);
    // Other plugins have their own cap.
    await store.forPlugin('q').put('x', 'y', 1);
    expect(await store.count('p')).toBe(3);
    await store.close();
  });

  it('clear(ns) removes one sub-namespace, clear() all of a plugin, without touching others', async () => {
    const store = createRedisCacheStore({ url: server.url, prefix: 'c4:' });
    const p = store.forPlugin('p');
    const q = store.forPlugin('q');
    await p.put('one', 'k', 1);
    await p.put('one', 'k2', 1, { ttlMs: 60_000 });
    await p.put('one:x', 'k', 1); // a namespace that shares a textual prefix
    await p.put('two', 'k', 2);
    await q.put('one', 'k', 3);
    await p.clear('one');
    expect(await p.get('one', 'k')).toBeUndefined();
    expect(await p.get('one', 'k2')).toBeUndefined();
    expect(await p.get('one:x', 'k')).toBe(1);
    expect(await p.get('two', 'k')).toBe(2);
    await p.clear();
    expect(await store.count('p')).toBe(0);
    expect(await q.get('one', 'k')).toBe(3);
    expect(await p.delete('two', 'k')).toBe(false);
    await q.put('one', 'gone', 1);
    expect(await q.delete('one', 'gone')).toBe(true);
    await store.close();
    await expect(p.get('one', 'k')).rejects.toMatchObject({ code: 'CACHE_CLOSED' });
  });

  it('rejects non-JSON values and bad keys like the host stores', async () => {
    const store = createRedisCacheStore({ url: server.url, prefix: 'c5:' });
    const cache = store.forPlugin('p');
    await expect(cache.put('ns', 'k', Number.NaN)).rejects.toMatchObject({ code: 'CACHE_NOT_JSON_SAFE' });
    await expect(cache.get('', 'k')).rejects.toMatchObject({ code: 'CACHE_INVALID_KEY' });
    await expect(cache.put('ns', 'k', 1, { ttlMs: -1 })).rejects.toMatchObject({
      code: 'CACHE_INVALID_OPTION',
    });
    await store.close();
  });
});
