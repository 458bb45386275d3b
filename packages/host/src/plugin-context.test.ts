import type { Bus, Cache, Rpc } from '@keel/contract';
import { definePlugin } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { createHost } from './host.js';
import { createLogger, type LogRecord } from './logger.js';
import { createPluginContext } from './plugin-context.js';
import { systemClock } from './services/manual-clock.js';

const base = { pluginId: 'p-one', config: { a: 1 }, fallbackLogger: createLogger({ level: 'silent' }) };

describe('createPluginContext', () => {
  it('fails loudly, naming the service, when a service was not supplied', async () => {
    const ctx = createPluginContext({ ...base, services: {}, signal: () => new AbortController().signal });
    const expectUnavailable = (fn: () => unknown, service: string) => {
      let thrown: unknown;
      try {
        fn();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'HOST_SERVICE_UNAVAILABLE', field: `services.${service}` });
      expect((thrown as Error).message).toContain(`"p-one"`);
    };
    expectUnavailable(() => ctx.bus.publish('x', 1), 'bus');
    expectUnavailable(() => ctx.bus.on('*', () => {}), 'bus');
    expectUnavailable(() => ctx.rpc.register('x', () => null), 'rpc');
    expectUnavailable(() => ctx.rpc.call('x'), 'rpc');
    expectUnavailable(() => ctx.cache.get('ns', 'k'), 'cache');
    expectUnavailable(() => ctx.cache.put('ns', 'k', 1), 'cache');
    expectUnavailable(() => ctx.clock.now(), 'clock');
    expect(ctx.config).toEqual({ a: 1 });
    expect(Object.isFrozen(ctx)).toBe(true);
  });

  it('uses supplied services, preferring per-plugin busFor/rpcFor and cacheFor', () => {
    const published: unknown[] = [];
    const bus = (source: string): Bus => ({
      publish: (type, data) => void published.push({ type, data, source }),
      on: () => () => {},
    });
    const rpc: Rpc = { register: () => () => {}, call: async () => null as never };
    const caches: string[] = [];
    const cache: Cache = {
      get: async () => undefined,
      put: async () => {},
      delete: async () => false,
      clear: async () => {},
    };
    const ctx = createPluginContext({
      ...base,
      services: {
        bus: bus('shared'),
        busFor: (id) => bus(id),
        rpc,
        cacheFor: (id) => {
          caches.push(id);
          return cache;
        },
        clock: { now: () => 42 },
      },
      signal: () => new AbortController().signal,
    });
    ctx.bus.publish('tick', 1);
    expect(published).toEqual([{ type: 'tick', data: 1, source: 'p-one' }]);
    expect(ctx.rpc).toBe(rpc);
    expect(caches).toEqual(['p-one']);
    expect(ctx.clock.now()).toBe(42);
    expect(systemClock.now()).toBeGreaterThan(0);
  });

  it('scopes ctx.log to the plugin through the host', async () => {
    const records: LogRecord[] = [];
    const host = createHost({
      services: { logger: createLogger({ level: 'info', sink: (_l, r) => records.push(r) }) },
    });
    await host.load([
      definePlugin({
        id: 'talker',
        name: 't',
        version: '1.0.0',
        category: 'diag',
        setup: (ctx) => ctx.log.info('hello', { n: 1 }),
      }),
    ]);
    expect(records.find((r) => r.msg === 'hello')?.fields).toEqual({ plugin: 'talker', n: 1 });
    expect(host.plugins()[0]?.state).toBe('loaded');
  });

  it('forgets what a failed setup registered, so the next plugin can take its RPC name', async () => {
    const host = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    const first = await host.load([
      definePlugin({
        id: 'half-setup',
        name: 'n',
        version: '1.0.0',
        category: 'infra',
        setup: (ctx) => {
          ctx.rpc.register('shared.name', () => 1);
          ctx.bus.on('x', () => {});
          throw new Error('boom after registering');
        },
      }),
    ]);
    expect(first.errors[0]).toMatchObject({ plugin: 'half-setup', phase: 'setup' });
    const second = await host.load([
      definePlugin({
        id: 'owner',
        name: 'o',
        version: '1.0.0',
        category: 'infra',
        setup: (ctx) => void ctx.rpc.register('shared.name', () => 2),
      }),
    ]);
    expect(second.errors).toEqual([]);
    await expect(host.rpc.call('shared.name')).resolves.toBe(2);
    expect(host.bus.stats().subscriptions).toBe(0);
    await host.dispose();
  });
});
