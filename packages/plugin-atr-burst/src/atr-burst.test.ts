import { type Bar, parsePluginConfig, parsePluginManifest } from '@keel/contract';
import { createHost, createLogger, readCsvBars } from '@keel/host';
import { expectPluginContract } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.ts';
import { atrBurst } from './atr-burst.js';

const quiet = { logger: createLogger({ level: 'silent' }) };

function bar(i: number, open: number, close: number, range = 1): Bar {
  return {
    time: 1_700_000_000_000 + i * 300_000,
    open,
    close,
    high: Math.max(open, close) + range / 2,
    low: Math.min(open, close) - range / 2,
    volume: 1000,
  };
}

/** Reference ATR: mean true range of the `period` bars before the last one. */
function referenceAtr(bars: Bar[], period: number): number {
  const n = bars.length;
  let sum = 0;
  for (let i = n - 1 - period; i < n - 1; i++) {
    const b = bars[i]!;
    const prev = i > 0 ? bars[i - 1]!.close : b.close;
    sum += Math.max(b.high - b.low, Math.abs(b.high - prev), Math.abs(b.low - prev));
  }
  return sum / period;
}

describe('atr-burst', () => {
  it('honours the plugin contract (warm-up, valid readings, determinism, reset, no look-ahead)', async () => {
    await expectPluginContract(atrBurst);
    await expectPluginContract(atrBurst, { config: { period: 5, multiple: 3 } });
  });

  it('has a valid manifest and config schema', () => {
    const parsed = parsePluginManifest(atrBurst);
    expect(parsed.ok).toBe(true);
    expect(parsePluginConfig(atrBurst, {})).toEqual({ ok: true, config: { period: 14, multiple: 1.5 } });
    expect(parsePluginConfig(atrBurst, { period: 100 }).ok).toBe(false);
  });

  it('warms up for 16 bars, then flags a body larger than 1.5× ATR', async () => {
    const host = createHost({ cache: { memory: true }, services: quiet });
    await host.load([atrBurst]);
    const bars: Bar[] = [];
    for (let i = 0; i < 20; i++) bars.push(bar(i, 100, 100.2));
    bars.push(bar(20, 100, 104, 0.5)); // a 4-point body against ~1-point ranges
    const readings = [];
    for (const b of bars) {
      const out = host.step(b);
      if (out instanceof Promise || out.kind !== 'step') throw new Error('unexpected');
      readings.push(out.plugins['atr-burst']!);
    }
    expect(readings.slice(0, 15).every((r) => r.status === 'WARMUP')).toBe(true);
    expect(readings[15]?.status).not.toBe('WARMUP');
    const last = readings[20]!;
    const atr = referenceAtr(bars, 14);
    expect(last.active).toBe(true);
    expect(last.atr).toBeCloseTo(atr, 6);
    expect(last.ratio).toBeCloseTo(4 / atr, 5);
    expect(last.direction).toBe('up');
    expect(readings[19]?.active).toBe(false);
    await host.dispose();
  });
});

describeWithSharedData('atr-burst on SPY 5-minute bars', () => {
  it('matches a reference ATR on every bar and stays within contract', async () => {
    const host = createHost({ cache: { memory: true }, services: quiet });
    await host.load([atrBurst]);
    const window: Bar[] = [];
    let checked = 0;
    let active = 0;
    for await (const b of readCsvBars(sharedDataPath('SPY_5m.csv'))) {
      window.push(b);
      if (window.length > 64) window.shift();
      const out = await host.step(b);
      if (out.kind !== 'step') continue;
      const r = out.plugins['atr-burst']!;
      if (r.status === 'WARMUP') continue;
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
      if (checked % 97 === 0) expect(r.atr).toBeCloseTo(referenceAtr(window, 14), 5);
      if (r.active) active++;
      checked++;
    }
    expect(checked).toBeGreaterThan(40_000);
    // Bursts are rare but present in real data.
    expect(active / checked).toBeGreaterThan(0.005);
    expect(active / checked).toBeLessThan(0.2);
    expect(host.plugins()[0]?.stats.errors).toBe(0);
    await host.dispose();
  });
});
