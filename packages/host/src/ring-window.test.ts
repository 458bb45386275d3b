import type { Bar } from '@keel/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarRing, RingWindow } from './ring-window.js';

const barAt = (i: number, aux?: Record<string, number>): Bar => ({
  time: 1000 + i,
  open: i + 0.1,
  high: i + 0.5,
  low: i - 0.5,
  close: i + 0.2,
  volume: i * 10,
  ...(aux === undefined ? {} : { aux }),
});

describe('BarRing and RingWindow', () => {
  it('always shows exactly the last min(n, window) bars, oldest first (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.array(fc.integer({ min: 2, max: 40 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 150 }),
        (initial, windows, pushes) => {
          const ring = new BarRing(initial);
          for (const w of windows) ring.ensureCapacity(w);
          const views = windows.map((w) => new RingWindow(ring, w));
          const pushed: Bar[] = [];
          for (let i = 0; i < pushes; i++) {
            const bar = barAt(i);
            ring.push(bar);
            pushed.push(bar);
            for (const view of views) {
              const expected = pushed.slice(-view.capacity);
              expect(view.length).toBe(expected.length);
              expect([...view.close.values()]).toEqual(expected.map((b) => b.close));
              expect(view.time.get(-1)).toBe(bar.time);
              expect(view.open.at(0)).toBe(expected[0]?.open);
              expect(view.at(-1)).toEqual(bar);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps its contents when it grows mid-run (a plugin with a bigger window loads)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 20 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 2, max: 80 }),
        (cap, pushes, grown) => {
          const ring = new BarRing(cap);
          const all: Bar[] = [];
          for (let i = 0; i < pushes; i++) {
            all.push(barAt(i));
            ring.push(barAt(i));
          }
          ring.ensureCapacity(grown);
          const view = new RingWindow(ring, Math.max(cap, grown));
          expect([...view.high.values()]).toEqual(all.slice(-Math.min(cap, pushes)).map((b) => b.high));
          ring.push(barAt(pushes));
          all.push(barAt(pushes));
          expect(view.high.get(-1)).toBe(barAt(pushes).high);
          expect(view.length).toBe(Math.min(all.length, Math.min(cap, pushes) + 1, view.capacity));
        },
      ),
    );
  });

  it('serves values() as a view of the shared buffer, one per bar, without copying', () => {
    const ring = new BarRing(4);
    const view = new RingWindow(ring, 3);
    for (let i = 0; i < 10; i++) ring.push(barAt(i));
    const a = view.close.values();
    expect(a.buffer).toBe(ring.close.buffer);
    expect(view.close.values()).toBe(a);
    ring.push(barAt(10));
    const b = view.close.values();
    expect(b).not.toBe(a);
    expect([...b]).toEqual([8.2, 9.2, 10.2]);
  });

  it('indexes like Array.prototype.at and get() throws outside the window', () => {
    const ring = new BarRing(5);
    const view = new RingWindow(ring, 5);
    expect(view.close.at(-1)).toBeUndefined();
    expect(() => view.close.get(0)).toThrow(RangeError);
    for (let i = 0; i < 3; i++) ring.push(barAt(i));
    const closes = [0.2, 1.2, 2.2];
    for (const i of [-4, -3, -1.5, -1, 0, 0.7, 2, 3, Number.NaN]) {
      expect(view.close.at(i)).toBe(closes.at(i));
    }
    expect(view.close.get(1.9)).toBe(1.2);
    expect(() => view.close.get(3)).toThrow('window index 3 is outside 0..2 (or -3..-1)');
  });

  it('adds aux columns lazily, NaN where a bar lacked the key, undefined once out of the window', () => {
    const ring = new BarRing(3);
    const view = new RingWindow(ring, 3);
    ring.push(barAt(0));
    expect(view.aux('vix')).toBeUndefined();
    ring.push(barAt(1, { vix: 17 }));
    ring.push(barAt(2));
    const vix = view.aux('vix');
    expect([...(vix?.values() ?? [])]).toEqual([Number.NaN, 17, Number.NaN]);
    expect(view.at(1)?.aux).toEqual({ vix: 17 });
    expect(view.at(2)?.aux).toBeUndefined();
    ring.push(barAt(3));
    expect(view.aux('vix')).toBe(vix);
    ring.push(barAt(4));
    expect(view.aux('vix')).toBeUndefined();
    ring.clear();
    expect(view.length).toBe(0);
    expect(view.aux('vix')).toBeUndefined();
  });

  it('repairs a value written into a window from its mirror', () => {
    const ring = new BarRing(4);
    for (let i = 0; i < 6; i++) ring.push(barAt(i));
    const view = new RingWindow(ring, 4);
    expect(ring.repairWindow(4)).toBeUndefined();
    const values = view.low.values();
    values[1] = 123;
    expect(ring.repairWindow(4)).toBe('low');
    expect([...view.low.values()]).toEqual([1.5, 2.5, 3.5, 4.5]);
  });
});
