import fc from 'fast-check';

/** A bar as the generator makes it; `@keel/contract`'s `Bar` accepts it. */
export interface GeneratedBar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly aux?: Readonly<Record<string, number>>;
}

export interface ArbitraryBarsOptions {
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Aux series to add (each bar may lack any of them), e.g. `['vix', 'qqq']`. */
  readonly aux?: readonly string[];
}

const step = fc.record({
  // Log move of the close: mostly small, sometimes none, sometimes a crash or a squeeze.
  move: fc.oneof(
    { weight: 6, arbitrary: fc.double({ min: -0.05, max: 0.05, noNaN: true }) },
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.double({ min: -0.7, max: 0.7, noNaN: true }) },
  ),
  gap: fc.oneof(fc.constant(0), fc.double({ min: -0.1, max: 0.1, noNaN: true })),
  up: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.2, noNaN: true })),
  down: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.2, noNaN: true })),
  volume: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1e9 })),
  // A bar of all zeros now and then: valid to the host, hostile to logs and ratios.
  zero: fc.integer({ min: 0, max: 50 }).map((n) => n === 0),
  auxValue: fc.double({ min: 1, max: 200, noNaN: true }),
  auxPresent: fc.integer({ min: 0, max: 9 }),
});

/**
 * Valid but hostile bar sequences for property tests of plugins: flat runs, zero-range bars, zero
 * volume, gaps, moves of up to ±70% a bar, tiny and huge price levels, all-zero bars, and aux series
 * that come and go. Times increase by one day from 2020-01-01.
 */
export function arbitraryBars(options: ArbitraryBarsOptions = {}): fc.Arbitrary<GeneratedBar[]> {
  const names = options.aux ?? [];
  return fc
    .record({
      start: fc.oneof(fc.constant(100), fc.double({ min: 0.001, max: 1e6, noNaN: true })),
      steps: fc.array(step, { minLength: options.minLength ?? 30, maxLength: options.maxLength ?? 120 }),
    })
    .map(({ start, steps }) => {
      const bars: GeneratedBar[] = [];
      let close = start;
      steps.forEach((s, i) => {
        const time = Date.UTC(2020, 0, 1) + i * 86_400_000;
        const aux: Record<string, number> = {};
        names.forEach((name, k) => {
          // Each series is missing on roughly one bar in ten, at different bars.
          if ((s.auxPresent + k) % 10 !== 0) aux[name] = s.auxValue * (k + 1);
        });
        const extra = names.length > 0 ? { aux } : {};
        if (s.zero) {
          bars.push({ time, open: 0, high: 0, low: 0, close: 0, volume: s.volume, ...extra });
          return;
        }
        const open = close * Math.exp(s.gap);
        close = open * Math.exp(s.move);
        const high = Math.max(open, close) * (1 + s.up);
        const low = Math.min(open, close) * (1 - s.down);
        bars.push({ time, open, high, low, close, volume: s.volume, ...extra });
      });
      return bars;
    });
}
