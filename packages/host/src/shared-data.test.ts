import { describe, expect, it } from 'vitest';
import { createMinimalAtr } from '../bench/minimal-atr.js';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.js';
import { readCsvBars } from './csv-bars.js';
import { createHost } from './host.js';
import { createLogger } from './logger.js';
import type { HostStepResult } from './pipeline.js';

describeWithSharedData('host on SPY_5m.csv', () => {
  it('replays the shared 5-minute bars deterministically through the ATR-burst plugins', async () => {
    const host = createHost({ services: { logger: createLogger({ level: 'silent' }) } });
    await host.load([createMinimalAtr('atr-14', 14), createMinimalAtr('atr-20', 20, 2)]);
    const run = async () => {
      let active = 0;
      let last: HostStepResult | undefined;
      const summary = await host.replay(readCsvBars(sharedDataPath('SPY_5m.csv')), {
        onStep: (r) => {
          if (r.plugins['atr-14']?.active) active++;
          last = r;
        },
      });
      return { active, summary, last };
    };
    const one = await run();
    const two = await run();
    expect(one.summary.accepted).toBe(47_754);
    expect(one.summary.rejected.total).toBe(0);
    expect(one.active).toBeGreaterThan(0);
    expect(two.active).toBe(one.active);
    expect(two.last?.plugins).toEqual(one.last?.plugins);
    expect(host.plugins().every((p) => p.stats.errors === 0 && p.state === 'ready')).toBe(true);
  });
});

describe('bench plugin', () => {
  it('is a valid plugin and resets its state', () => {
    const plugin = createMinimalAtr('atr-check', 3);
    expect(plugin.window).toBe(4);
    expect(typeof plugin.reset).toBe('function');
  });
});
