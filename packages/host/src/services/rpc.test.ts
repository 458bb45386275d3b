import type { RpcMeta } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { createRpcRegistry } from './rpc.js';

describe('createRpcRegistry', () => {
  it('routes a call to the one registered handler with the caller and a signal', async () => {
    const rpc = createRpcRegistry();
    let meta: RpcMeta | undefined;
    rpc.forCaller('pricer').register('pricer.quote', (payload, m) => {
      meta = m;
      return { symbol: (payload as { symbol: string }).symbol, price: 510.2 };
    });
    const answer = await rpc.forCaller('dashboard').call('pricer.quote', { symbol: 'SPY' });
    expect(answer).toEqual({ symbol: 'SPY', price: 510.2 });
    expect(meta?.caller).toBe('dashboard');
    expect(meta?.signal.aborted).toBe(false);
    expect(rpc.methods()).toEqual([{ name: 'pricer.quote', owner: 'pricer' }]);
  });

  it('rejects an unknown name with RPC_UNKNOWN_METHOD', async () => {
    const rpc = createRpcRegistry().forCaller('a');
    await expect(rpc.call('nobody.home')).rejects.toMatchObject({
      code: 'RPC_UNKNOWN_METHOD',
      message: 'rpc "nobody.home" is not registered',
    });
  });

  it('allows one owner per name: a second register throws RPC_NAME_TAKEN until the first unregisters', () => {
    const registry = createRpcRegistry();
    const off = registry.forCaller('a').register('shared.name', () => 1);
    expect(() => registry.forCaller('b').register('shared.name', () => 2)).toThrow(
      expect.objectContaining({
        code: 'RPC_NAME_TAKEN',
        message: 'rpc shared.name is already registered by a',
      }),
    );
    off();
    expect(() => registry.forCaller('b').register('shared.name', () => 2)).not.toThrow();
    expect(() => registry.forCaller('b').register('bad name', () => 2)).toThrow(
      expect.objectContaining({ code: 'RPC_INVALID_NAME' }),
    );
  });

  it('reports handler failures, sync or async or non-JSON results, as RPC_HANDLER_FAILED', async () => {
    const registry = createRpcRegistry();
    const owner = registry.forCaller('svc');
    const cause = new Error('db down');
    owner.register('svc.sync', () => {
      throw cause;
    });
    owner.register('svc.async', async () => Promise.reject(new Error('later')));
    owner.register('svc.nan', () => ({ v: Number.NaN }));
    const caller = registry.forCaller('c');
    await expect(caller.call('svc.sync')).rejects.toMatchObject({ code: 'RPC_HANDLER_FAILED', cause });
    await expect(caller.call('svc.async')).rejects.toThrow('rpc svc.async: handler of svc failed: later');
    await expect(caller.call('svc.nan')).rejects.toThrow('result.v is NaN');
    expect(registry.stats()).toMatchObject({ calls: 3, failed: 3, timedOut: 0 });
  });

  it('times out with RPC_TIMEOUT, aborts the handler and stays healthy', async () => {
    const registry = createRpcRegistry();
    const owner = registry.forCaller('slow');
    let handlerSignal: AbortSignal | undefined;
    owner.register('slow.never', (_p, meta) => {
      handlerSignal = meta.signal;
      return new Promise(() => {});
    });
    // Answers only when the test says so, which is after the caller has seen its timeout.
    let answerLate!: (value: string) => void;
    owner.register(
      'slow.late',
      () =>
        new Promise((resolve) => {
          answerLate = resolve;
        }),
    );
    owner.register('slow.echo', (p) => p);
    const caller = registry.forCaller('c');
    await expect(caller.call('slow.never', null, { timeoutMs: 20 })).rejects.toMatchObject({
      code: 'RPC_TIMEOUT',
    });
    expect(handlerSignal?.aborted).toBe(true);
    expect((handlerSignal!.reason as { code?: string }).code).toBe('RPC_TIMEOUT');
    await expect(caller.call('slow.late', null, { timeoutMs: 20 })).rejects.toMatchObject({
      code: 'RPC_TIMEOUT',
    });
    // The late answer arrives after the timeout and is ignored; the registry keeps serving.
    answerLate('late');
    await new Promise((r) => setImmediate(r));
    await expect(caller.call('slow.echo', { ok: true })).resolves.toEqual({ ok: true });
    expect(registry.stats()).toMatchObject({ calls: 3, succeeded: 1, timedOut: 2 });
  });

  it('rejects with RPC_ABORTED when the caller aborts, and checks payloads and options', async () => {
    const registry = createRpcRegistry();
    registry.forCaller('s').register('s.wait', () => new Promise(() => {}));
    const caller = registry.forCaller('c');
    const controller = new AbortController();
    const pending = caller.call('s.wait', null, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'RPC_ABORTED' });
    await expect(caller.call('s.wait', { when: new Date(0) } as never)).rejects.toMatchObject({
      code: 'RPC_INVALID_PAYLOAD',
      message: 'rpc s.wait: payload.when is a Date',
    });
    await expect(caller.call('s.wait', null, { timeoutMs: -1 })).rejects.toMatchObject({
      code: 'RPC_INVALID_OPTION',
    });
  });

  it('copies payloads and results so caller and handler share no objects', async () => {
    const registry = createRpcRegistry();
    const kept = { list: [1] };
    registry.forCaller('s').register('s.keep', (p) => {
      expect(Object.isFrozen(p)).toBe(true);
      return kept;
    });
    const payload = { a: [1] };
    const result = (await registry.forCaller('c').call('s.keep', payload)) as { list: number[] };
    expect(result).toEqual({ list: [1] });
    expect(result).not.toBe(kept);
    expect(Object.isFrozen(payload)).toBe(false);
  });

  it('unregisters every method of an owner on unload', async () => {
    const registry = createRpcRegistry();
    const p = registry.forCaller('p');
    p.register('p.a', () => 1);
    p.register('p.b', () => 2);
    registry.forCaller('q').register('q.a', () => 3);
    expect(registry.unregisterAll('p')).toBe(2);
    expect(registry.methods().map((m) => m.name)).toEqual(['q.a']);
    await expect(p.call('p.a')).rejects.toMatchObject({ code: 'RPC_UNKNOWN_METHOD' });
  });
});
