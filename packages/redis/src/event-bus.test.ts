import { type BusEvent, definePlugin } from '@keel/contract';
import { createHost, createLogger } from '@keel/host';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsRedis, type RedisServer, redisServerPath, startRedisServer } from '../test/redis-server.js';
import { createRedisEventBus, type RedisEventBus } from './event-bus.js';

const quiet = () => createLogger({ level: 'silent' });

describe.skipIf(!redisServerPath)(`Redis event bus${needsRedis}`, () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("a plugin in host A publishes; a plugin and an on: job in host B receive it with A's source", async () => {
    const buses: RedisEventBus[] = [];
    const makeBus = (hostId: string) => (clock: import('@keel/contract').Clock) => {
      const bus = createRedisEventBus({ url: server.url, prefix: 'b1:', hostId, clock });
      buses.push(bus);
      return bus;
    };
    const hostA = createHost({ cache: { memory: true }, services: { logger: quiet() }, bus: makeBus('A') });
    const hostB = createHost({ cache: { memory: true }, services: { logger: quiet() }, bus: makeBus('B') });
    await Promise.all(buses.map((b) => b.ready()));
    const handled: BusEvent[] = [];
    const jobs: BusEvent[] = [];
    const localA: string[] = [];
    await hostB.load([
      definePlugin({
        id: 'listener',
        name: 'l',
        version: '1.0.0',
        category: 'diag',
        setup(ctx) {
          ctx.bus.on('signal.*', (event) => {
            handled.push(event);
          });
        },
        schedule: [
          {
            when: 'on:signal.up',
            run(_ctx, tick) {
              if (tick.event) jobs.push(tick.event);
              return { success: true };
            },
          },
        ],
      }),
    ]);
    await hostA.load([
      definePlugin({
        id: 'emitter',
        name: 'e',
        version: '1.0.0',
        category: 'alpha',
        setup(ctx) {
          ctx.bus.on('signal.*', (event) => {
            localA.push(event.source);
          });
          ctx.bus.publish('signal.up', { close: 101.25 });
        },
      }),
    ]);
    await hostA.idle();
    await hostB.idle();
    expect(handled.map((e) => [e.type, e.source, e.data])).toEqual([
      ['signal.up', 'emitter', { close: 101.25 }],
    ]);
    expect(jobs.map((e) => e.source)).toEqual(['emitter']);
    expect(Object.isFrozen(handled[0]?.data)).toBe(true);
    // Host A's own plugin got its event locally, exactly once (the echo from Redis is skipped).
    expect(localA).toEqual(['emitter']);
    expect(buses[0]?.stats()).toMatchObject({ sent: 1, received: 0, publishFailures: 0 });
    expect(buses[1]?.stats()).toMatchObject({ sent: 0, received: 1 });
    // host.bus publishes as `host`.
    hostB.bus.publish('signal.host', {});
    await hostB.idle();
    await hostA.idle();
    expect(localA).toEqual(['emitter', 'host']);
    await hostA.dispose();
    await hostB.dispose();
  });

  it('a throwing handler does not stop delivery to the others', async () => {
    const a = createRedisEventBus({ url: server.url, prefix: 'b2:' });
    const b = createRedisEventBus({ url: server.url, prefix: 'b2:' });
    await Promise.all([a.ready(), b.ready()]);
    const got: number[] = [];
    b.on('tick', () => {
      throw new Error('boom');
    });
    b.on('tick', async () => {
      throw new Error('async boom');
    });
    b.on('tick', (event) => {
      got.push((event.data as { n: number }).n);
    });
    for (let n = 0; n < 5; n++) a.publish('tick', { n });
    await a.idle();
    await b.idle();
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(b.stats().handlerErrors).toBe(10);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('a burst beyond maxQueue drops the oldest events and counts them', async () => {
    const a = createRedisEventBus({ url: server.url, prefix: 'b3:' });
    const b = createRedisEventBus({ url: server.url, prefix: 'b3:', maxQueue: 10 });
    await Promise.all([a.ready(), b.ready()]);
    const got: number[] = [];
    b.on('burst', (event) => {
      got.push((event.data as { n: number }).n);
    });
    // One pipeline write: all 100 arrive at B's subscriber in one read, before B can dispatch.
    const raw = new Redis(server.url);
    const pipeline = raw.pipeline();
    for (let n = 0; n < 100; n++) {
      pipeline.publish(
        'b3:bus',
        JSON.stringify({ type: 'burst', data: { n }, source: 'x', time: n, host: 'raw' }),
      );
    }
    await pipeline.exec();
    await b.idle();
    expect(b.stats().dropped + got.length).toBe(100);
    expect(b.stats().dropped).toBeGreaterThan(0);
    expect(got.at(-1)).toBe(99);
    // The survivors are the newest, in order.
    expect(got).toEqual([...got].sort((x, y) => x - y));
    await raw.quit();
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('ignores malformed messages and rejects non-JSON data at the publisher', async () => {
    const b = createRedisEventBus({ url: server.url, prefix: 'b4:' });
    await b.ready();
    const raw = new Redis(server.url);
    await raw.publish('b4:bus', 'not json');
    await raw.publish(
      'b4:bus',
      JSON.stringify({ type: 'bad type!', data: 1, source: 's', time: 1, host: 'r' }),
    );
    await raw.publish('b4:bus', JSON.stringify({ type: 'ok', source: 's', time: 1, host: 'r' }));
    await b.idle();
    expect(b.stats().malformed).toBe(3);
    expect(() => b.publish('x', { bad: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'BUS_NOT_JSON_SAFE' }),
    );
    await raw.quit();
    await b.dispose();
  });

  it('with Redis down, publishes reach local handlers, are counted as failures, and never throw', async () => {
    const own = await startRedisServer();
    const bus = createRedisEventBus({ url: own.url, commandTimeoutMs: 300 });
    await bus.ready();
    await own.stop();
    const got: string[] = [];
    bus.on('*', (event) => {
      got.push(event.type);
    });
    expect(() => bus.publish('while.down', { n: 1 })).not.toThrow();
    await bus.idle();
    expect(got).toEqual(['while.down']);
    expect(bus.stats().publishFailures).toBe(1);
    await bus.dispose();
    expect(bus.stats().subscriptions).toBe(0);
  });
});
