import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BusEvent } from '@keel/contract';
import { createTestHost } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonPlugin } from '../src/index.ts';
import { findAnyPython, fixture } from './support/python.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'keel-python-service-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Cone {
  symbol: string;
  cached: boolean;
  cone: { h: number; lower: number; mid: number; upper: number }[];
}

// The forecaster imports only the standard library and prism_host, so any python3 runs it.
describe('PrismR forecaster service', () => {
  const entry = () =>
    pythonPlugin({
      file: fixture('prism', 'forecaster.py'),
      className: 'ForecasterModule',
      python: findAnyPython() as string,
    });

  it('serves forecast over Keel RPC, caches cones in the persistent cache, publishes and handles bus events', async () => {
    const cache = { path: path.join(dir, 'cache.sqlite') };
    const host = createTestHost({ cache });
    const loaded = await host.load([entry()]);
    expect(loaded.errors).toEqual([]);
    expect(loaded.loaded[0]).toMatchObject({ id: 'forecaster', version: '1.2.0' });
    const ready: BusEvent[] = [];
    host.bus.on('forecast_ready', (e) => {
      ready.push(e);
    });

    const payload = { symbol: 'SPY', horizon: 3, spot: 500, vol: 0.2 };
    const first = await host.rpc.call<Cone & Record<string, never>>('forecast', payload);
    expect(first.cached).toBe(false);
    expect(first.cone).toHaveLength(3);
    for (const point of first.cone) {
      const sigma = 0.2 * Math.sqrt(point.h / 252);
      expect(point.lower).toBeCloseTo(500 * Math.exp(-1.96 * sigma), 10);
      expect(point.upper).toBeCloseTo(500 * Math.exp(1.96 * sigma), 10);
      expect(point.mid).toBe(500);
    }
    const second = (await host.rpc.call('forecast', payload)) as unknown as Cone;
    expect(second).toEqual({ ...first, cached: true });
    await host.idle();
    expect(ready.map((e) => [e.type, e.source, e.data])).toEqual([
      ['forecast_ready', 'forecaster', { symbol: 'SPY', horizon: 3 }],
    ]);

    host.bus.publish('bar_close', { close: 512.25 });
    await host.idle();
    // describe() stats are read in the child each time the panel is read; a raising stat is its own error.
    const panel = host.describe('forecaster');
    expect(panel?.status).toBe('ok');
    expect(panel?.stats.requests).toBe(2);
    expect(panel?.stats['cache hits']).toBe(1);
    expect(panel?.stats['last close']).toBe(512.25);
    expect(panel?.stats.broken).toMatchObject({ error: expect.stringContaining('ZeroDivisionError') });
    await host.rpc.call('forecast', { ...payload, horizon: 2 });
    expect(host.describe('forecaster')?.stats.requests).toBe(3);
    await host.dispose();

    // The cache is the host's persistent one: a new host (a new process) finds the cones.
    const again = createTestHost({ cache });
    await again.load([entry()]);
    expect(((await again.rpc.call('forecast', payload)) as unknown as Cone).cached).toBe(true);
    await again.dispose();
  }, 120_000);

  it('an RPC handler that raises is an RPC error, and the service keeps serving', async () => {
    const host = createTestHost();
    await host.load([entry()]);
    await expect(host.rpc.call('forecast', { horizon: 2 })).rejects.toThrow(/KeyError: 'spot'/);
    const ok = (await host.rpc.call('forecast', { spot: 100, horizon: 1 })) as unknown as Cone;
    expect(ok.cone).toHaveLength(1);
    await host.dispose();
  }, 120_000);

  it('a process that dies in a handler fails that call; a new process serves the same methods', async () => {
    const host = createTestHost();
    const loaded = await host.load([
      pythonPlugin({
        file: fixture('prism', 'crashy.py'),
        className: 'CrashyService',
        python: findAnyPython() as string,
      }),
    ]);
    expect(loaded.errors).toEqual([]);
    const pid = await host.rpc.call('pid');
    await expect(host.rpc.call('die')).rejects.toThrow(/python exited with code 7/);
    const next = await host.rpc.call('pid');
    expect(typeof next).toBe('number');
    expect(next).not.toBe(pid);
    await host.dispose();
  }, 120_000);

  it('a bus handler that never returns is killed on its budget; the service serves again', async () => {
    const host = createTestHost();
    await host.load([
      pythonPlugin({
        file: fixture('prism', 'crashy.py'),
        className: 'CrashyService',
        python: findAnyPython() as string,
        budget: { timeoutMs: 1000 },
      }),
    ]);
    const pid = await host.rpc.call('pid');
    host.bus.publish('stall', {});
    await host.idle();
    const next = await host.rpc.call('pid', null, { timeoutMs: 30_000 });
    expect(typeof next).toBe('number');
    expect(next).not.toBe(pid);
    await host.dispose();
  }, 120_000);
});
