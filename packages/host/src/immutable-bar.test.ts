import type { Bar, KeelPlugin } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { createHost } from './host.js';
import { immutableBar, isImmutableBar } from './immutable-bar.js';
import { createLogger } from './logger.js';
import type { HostStepResult } from './pipeline.js';
import { generateBars } from './synthetic-bars.js';

const plain = (): Bar => ({ time: 1, open: 10, high: 12, low: 9, close: 11, volume: 100, symbol: 'SPY' });

describe('immutableBar', () => {
  it('copies into a frozen plain object, and passes an immutable bar through as it is', () => {
    const input = plain();
    const bar = immutableBar(input);
    expect(bar).not.toBe(input);
    expect(bar).toEqual(input);
    expect(Object.isFrozen(bar)).toBe(true);
    expect(Object.getPrototypeOf(bar)).toBe(Object.prototype);
    expect(isImmutableBar(bar)).toBe(true);
    expect(isImmutableBar(input)).toBe(false);
    expect(immutableBar(bar)).toBe(bar);
    // The caller's object stays the caller's: editing it later changes nothing in the copy.
    (input as { close: number }).close = 0;
    expect(bar.close).toBe(11);
  });

  it('freezes aux in the copy and leaves the caller’s aux alone', () => {
    const aux = { vwap: 10.5 };
    const bar = immutableBar({ ...plain(), aux });
    expect(Object.isFrozen(bar.aux)).toBe(true);
    expect(bar.aux).not.toBe(aux);
    expect(Object.isFrozen(aux)).toBe(false);
  });

  it('leaves no trace in keys, JSON, spread or structured clones', () => {
    const bar = immutableBar(plain());
    expect(Reflect.ownKeys(bar)).toEqual(['time', 'open', 'high', 'low', 'close', 'volume', 'symbol']);
    expect(JSON.parse(JSON.stringify(bar))).toEqual(plain());
    expect({ ...bar }).toEqual(plain());
    const clone = structuredClone(bar);
    expect(clone).toEqual(plain());
    expect(isImmutableBar(clone)).toBe(false);
    expect(isImmutableBar({ ...bar })).toBe(false);
  });

  it('cannot be forged: frozen look-alikes, proxies and objects inheriting from a marked bar are copied', () => {
    const marked = immutableBar(plain());
    const lookAlike = Object.freeze(plain());
    let reads = 0;
    const proxy = new Proxy(marked, {
      get(target, key, receiver) {
        reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const heir = Object.create(marked) as Bar;
    for (const candidate of [lookAlike, proxy, heir]) {
      expect(isImmutableBar(candidate)).toBe(false);
      expect(immutableBar(candidate)).not.toBe(candidate);
    }
    expect(reads).toBeGreaterThan(0);
    expect(isImmutableBar(null)).toBe(false);
    expect(isImmutableBar(42)).toBe(false);
  });
});

describe('bars in the pipeline', () => {
  const seen: Bar[] = [];
  const recorder: KeelPlugin = {
    id: 'recorder',
    name: 'recorder',
    version: '1.0.0',
    category: 'diag',
    warmup: 0,
    window: 2,
    onBar({ bar }) {
      seen.push(bar);
      return { active: false, score: 0, status: 'ok' };
    },
  };

  it('hands host-made bars to plugins as they are and copies a caller’s bar once', async () => {
    seen.length = 0;
    const host = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    await host.load([recorder]);
    const [made] = [...generateBars({ count: 1, seed: 3 })] as [Bar];
    expect(Object.isFrozen(made)).toBe(true);
    const first = host.step(made) as HostStepResult;
    expect(first.bar).toBe(made);
    expect(seen[0]).toBe(made);

    const mine = { ...plain(), time: made.time + 60_000 };
    const second = host.step(mine) as HostStepResult;
    expect(second.bar).not.toBe(mine);
    expect(second.bar).toEqual(mine);
    expect(Object.isFrozen(second.bar)).toBe(true);
    expect(seen[1]).toBe(second.bar);
    await host.dispose();
  });

  it('still validates an immutable bar: a broken one is rejected, never passed on', async () => {
    seen.length = 0;
    const host = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    await host.load([recorder]);
    const broken = immutableBar({ ...plain(), high: 1 });
    const out = host.step(broken);
    expect(out).toMatchObject({ kind: 'rejected', reason: 'ohlc_inconsistent', field: 'high' });
    expect(seen).toHaveLength(0);
    await host.dispose();
  });
});
