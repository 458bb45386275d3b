import type { Bar } from '@keel/contract';
import { HostError } from './errors.js';
import { immutableBar } from './immutable-bar.js';

export interface GenerateBarsOptions {
  count: number;
  /** Same seed, same bars, on every machine. Default 1. */
  seed?: number;
  /** Epoch ms of the first bar (default 2024-01-02T14:30:00Z). */
  start?: number;
  /** Spacing of bars in ms (default 5 minutes). */
  intervalMs?: number;
  /** First open (default 100). */
  price?: number;
  /** Per-bar volatility of the log-price random walk (default 0.002). */
  volatility?: number;
  symbol?: string;
}

/**
 * Deterministic synthetic OHLCV bars: a seeded random walk with consistent OHLC, occasional
 * wide-range bars (so breakout-style plugins fire), produced lazily so a million bars cost no memory.
 */
export function* generateBars(options: GenerateBarsOptions): Generator<Bar> {
  const { count } = options;
  if (!Number.isInteger(count) || count < 0) {
    throw new HostError(
      'HOST_INVALID_OPTION',
      `count must be a non-negative integer (got ${String(count)})`,
      {
        field: 'count',
        value: count,
      },
    );
  }
  const random = mulberry32(options.seed ?? 1);
  const start = options.start ?? Date.UTC(2024, 0, 2, 14, 30);
  const interval = options.intervalMs ?? 300_000;
  const vol = options.volatility ?? 0.002;
  const symbol = options.symbol;
  let price = options.price ?? 100;
  for (let i = 0; i < count; i++) {
    const open = price;
    // One bar in 50 moves five times as far: realistic enough to exercise burst detectors.
    const scale = random() < 0.02 ? 5 : 1;
    const close = Math.max(0.01, open * Math.exp((random() - 0.5) * 2 * vol * scale));
    const high = Math.max(open, close) * (1 + random() * vol);
    const low = Math.min(open, close) * (1 - random() * vol);
    const volume = Math.floor(1000 + random() * 99_000);
    price = close;
    const time = start + i * interval;
    yield immutableBar(
      symbol === undefined
        ? { time, open, high, low, close, volume }
        : { time, open, high, low, close, volume, symbol },
    );
  }
}

/** Small, fast, seedable PRNG (public-domain mulberry32). Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
