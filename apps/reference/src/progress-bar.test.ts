import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createProgressBar, formatDuration, renderProgress } from './progress-bar.js';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (t: string) => writes.push(t) } };
}

describe('progress bar', () => {
  it('on a TTY: frames with the total, bars/s and ETA from the injected clock, then the summary', () => {
    let now = 0;
    const { writes, stream } = sink(true);
    const bar = createProgressBar({ label: 'replay', total: 47_754, stream, now: () => now, width: 10 });
    now = 500;
    bar.update(10_000);
    expect(writes[0]).toBe(
      '\rreplay [██░░░░░░░░]  20% 10,000/47,754 bars · 20,000 bars/s · ETA 1.9s\u001b[K',
    );
    now = 2_400;
    bar.update(47_754);
    expect(writes[1]).toContain('100% 47,754/47,754 bars · 19,898 bars/s · ETA 0.0s');
    bar.finish('replay: 47,754 bars');
    expect(writes[2]).toBe('\rreplay: 47,754 bars\u001b[K\n');
  });

  it('off a TTY: no frames, no carriage returns, only the summary line', () => {
    const { writes, stream } = sink(false);
    const bar = createProgressBar({ label: 'replay', total: 100, stream, now: () => 1 });
    for (let i = 0; i <= 100; i += 10) bar.update(i);
    bar.finish('replay: 100 bars');
    expect(writes).toEqual(['replay: 100 bars\n']);
  });

  it('an unknown total shows the count and rate, never a percentage of zero', () => {
    expect(renderProgress('replay', 2000, 0, 1000)).toBe('replay 2,000 bars · 2,000 bars/s');
  });

  it('property: the percentage stays within 0..100 and the bar within its width', () => {
    fc.assert(
      fc.property(
        fc.nat(10_000_000),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.nat(1e7),
        (done, total, ms) => {
          const frame = renderProgress('r', done, total, ms, 20);
          const pct = Number(/\]\s+(\d+)%/.exec(frame)?.[1]);
          expect(pct).toBeGreaterThanOrEqual(0);
          expect(pct).toBeLessThanOrEqual(100);
          expect(/\[([█░]+)\]/.exec(frame)?.[1]).toHaveLength(20);
        },
      ),
    );
  });

  it('formats durations for people', () => {
    expect(formatDuration(420)).toBe('0.4s');
    expect(formatDuration(12_300)).toBe('12s');
    expect(formatDuration(185_000)).toBe('3m05s');
  });
});
