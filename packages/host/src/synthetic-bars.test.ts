import { validateBar } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { generateBars } from './synthetic-bars.js';

describe('generateBars', () => {
  it('is deterministic per seed and different across seeds', () => {
    const a = [...generateBars({ count: 50, seed: 5 })];
    expect([...generateBars({ count: 50, seed: 5 })]).toEqual(a);
    expect([...generateBars({ count: 50, seed: 6 })]).not.toEqual(a);
  });

  it('produces bars the host accepts: valid OHLC, increasing time, symbol when asked', () => {
    const bars = [...generateBars({ count: 5000, seed: 1, symbol: 'SYN', intervalMs: 60_000 })];
    let last = -1;
    for (const bar of bars) {
      expect(validateBar(bar).ok).toBe(true);
      expect(bar.time).toBeGreaterThan(last);
      last = bar.time;
    }
    expect(bars[1]?.time).toBe((bars[0]?.time as number) + 60_000);
    expect(bars[0]?.symbol).toBe('SYN');
  });

  it('rejects a bad count with a HostError', () => {
    expect(() => [...generateBars({ count: -1 })]).toThrow(
      expect.objectContaining({ code: 'HOST_INVALID_OPTION' }),
    );
  });
});
