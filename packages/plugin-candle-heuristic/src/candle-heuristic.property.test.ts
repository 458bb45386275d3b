import { validateReading } from '@keel/contract';
import { HOST_STATUS } from '@keel/host';
import { runPlugin } from '@keel/testing';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { arbitraryBars } from '../../../test-support/arbitrary-bars.ts';
import { candleHeuristic } from './candle-heuristic.js';

const FAILURES = [HOST_STATUS.errorPrefix, HOST_STATUS.timeout, HOST_STATUS.quarantined];

it('property: on any valid bars (flat, zero-range, all-zero, ±70% moves, gaps in aux) every reading is valid', async () => {
  await fc.assert(
    fc.asyncProperty(arbitraryBars({ aux: ['vix', 'qqq'] }), async (bars) => {
      const { readings, rejected } = await runPlugin(candleHeuristic, bars);
      expect(rejected).toEqual([]);
      expect(readings).toHaveLength(bars.length);
      for (const r of readings) {
        expect(validateReading(r)).toEqual({ ok: true });
        expect(FAILURES.some((f) => r.status.startsWith(f))).toBe(false);
        expect(Number.isFinite(r.score) && r.score >= 0 && r.score <= 1).toBe(true);
      }
    }),
    { numRuns: 60 },
  );
});
