import { definePlugin, type KeelPlugin } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { createHost } from './host.js';
import { createLogger } from './logger.js';
import { BarRing, RingWindow } from './ring-window.js';
import { generateBars } from './synthetic-bars.js';

// The window API must cost no allocation per call. Counting bytes is not robust on a loaded
// machine (the young generation is collected whenever it likes), so this checks the property that
// makes the API allocation-free, deterministically: every `values()` view a plugin ever sees comes
// from a bounded set (one per ring position once the window is full, plus the warm-up views),
// repeated calls within a bar return the same object, and plugins with the same window share it.
const BARS = 100_000;

interface Seen {
  readonly views: Set<Float64Array>;
  sameWithinBar: boolean;
  getMatches: boolean;
}

function probe(id: string, window: number, seen: Seen, peers: Map<number, Float64Array>): KeelPlugin {
  let bar = 0;
  return definePlugin({
    id,
    name: id,
    version: '1.0.0',
    category: 'alpha',
    layer: 'L1',
    warmup: 1,
    window,
    onBar({ window: w, step }) {
      const a = w.high.values();
      const b = w.high.values();
      if (a !== b) seen.sameWithinBar = false;
      // The first plugin of a window length stores its view; a peer with the same length must get it.
      const first = peers.get(step.index);
      if (first === undefined) peers.set(step.index, a);
      else if (first !== a) seen.sameWithinBar = false;
      if (peers.size > 4) peers.delete(step.index - 4);
      if (w.high.get(-1) !== a[a.length - 1] || w.high.at(0) !== a[0]) seen.getMatches = false;
      seen.views.add(a);
      seen.views.add(w.close.values());
      bar++;
      return { active: false, score: 0, status: `bar ${bar}` };
    },
  });
}

describe('window API allocation', () => {
  it(`serves values() from a bounded set of shared views over ${BARS.toLocaleString('en-US')} bars`, async () => {
    const host = createHost({ services: { logger: createLogger({ level: 'error' }) } });
    const seen: Seen = { views: new Set(), sameWithinBar: true, getMatches: true };
    const peers = new Map<number, Float64Array>();
    const shortSeen: Seen = { views: new Set(), sameWithinBar: true, getMatches: true };
    const { errors } = await host.load([
      probe('probe-a', 50, seen, peers),
      probe('probe-b', 50, seen, peers),
      probe('probe-short', 20, shortSeen, new Map()),
    ]);
    expect(errors).toEqual([]);
    const summary = await host.replay(generateBars({ count: BARS, seed: 3 }));
    expect(summary.accepted).toBe(BARS);
    expect(seen.sameWithinBar).toBe(true);
    expect(seen.getMatches).toBe(true);
    expect(shortSeen.getMatches).toBe(true);
    // Ring capacity 50 (the largest window): per column at most 50 pooled views plus the 49
    // views of the warm-up bars before the window filled; two columns.
    expect(seen.views.size).toBeLessThanOrEqual(2 * (50 + 49));
    expect(shortSeen.views.size).toBeLessThanOrEqual(2 * (50 + 19));
    await host.dispose();
  }, 120_000);

  it('serves aux(name) as one series whose views are pooled like the base columns', () => {
    const ring = new BarRing(8);
    const view = new RingWindow(ring, 8);
    const seenViews = new Set<Float64Array>();
    const seenSeries = new Set<unknown>();
    let i = 0;
    for (const bar of generateBars({ count: 1000, seed: 9 })) {
      ring.push({ ...bar, aux: { vix: 10 + (i++ % 7) } });
      const vix = view.aux('vix');
      seenSeries.add(vix);
      const values = vix?.values();
      if (values === undefined) throw new Error('aux column missing');
      expect(vix?.values()).toBe(values);
      expect(values[values.length - 1]).toBe(10 + ((i - 1) % 7));
      expect(vix?.get(-1)).toBe(values[values.length - 1]);
      seenViews.add(values);
    }
    expect(seenSeries.size).toBe(1);
    expect(seenViews.size).toBeLessThanOrEqual(8 + 7);
  });

  it('keeps serving correct views after the ring grows and after a clear', () => {
    const ring = new BarRing(4);
    const small = new RingWindow(ring, 4);
    const bars = [...generateBars({ count: 40, seed: 5 })];
    for (const bar of bars.slice(0, 10)) ring.push(bar);
    const before = small.close.values();
    expect([...before]).toEqual(bars.slice(6, 10).map((b) => b.close));
    ring.ensureCapacity(8);
    const big = new RingWindow(ring, 8);
    expect([...small.close.values()]).toEqual(bars.slice(6, 10).map((b) => b.close));
    expect([...big.close.values()]).toEqual(bars.slice(6, 10).map((b) => b.close));
    for (const bar of bars.slice(10, 30)) ring.push(bar);
    expect([...big.close.values()]).toEqual(bars.slice(22, 30).map((b) => b.close));
    expect(big.close.get(-1)).toBe(bars[29]?.close);
    ring.clear();
    expect(small.close.values().length).toBe(0);
    expect(() => small.close.get(-1)).toThrow(RangeError);
    ring.push(bars[30] as (typeof bars)[number]);
    expect([...small.close.values()]).toEqual([bars[30]?.close]);
  });
});
