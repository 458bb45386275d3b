import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bars, collect, createPluginDir, hostWith, type PluginDir } from '../test/worker-fixtures.js';

// A worker plugin's ctx.market reads the bars its thread was sent: within its window it answers
// exactly as an in-process plugin's does. Real threads, real plugin files.

let plugins: PluginDir;
beforeAll(async () => {
  plugins = await createPluginDir();
});
afterAll(async () => {
  await plugins.remove();
});

const onBar = `const m = ctx.market.bars(4);
  const other = ctx.market.bars(4, { symbol: 'QQQ' });
  return { active: false, score: 0, status: 'ok', n: m.length, closes: Array.from(m.close), times: Array.from(m.time), symbol: m.symbol ?? null, other: other.length, symbols: [...ctx.market.symbols()] };`;

describe('ctx.market in a worker plugin', () => {
  it('returns the same bars as in-process for limits within the window', async () => {
    const workerFile = await plugins.write('market-worker.mjs', {
      id: 'w-market',
      worker: true,
      warmup: 0,
      window: 6,
      onBar,
    });
    const localFile = await plugins.write('market-local.mjs', {
      id: 'p-market',
      warmup: 0,
      window: 6,
      onBar,
    });
    const host = hostWith();
    const { errors } = await host.load([{ plugin: workerFile }, { plugin: localFile }]);
    expect(errors).toEqual([]);
    const data = bars(30).map((b) => ({ ...b, symbol: 'SPY' }));
    const steps = await collect(host, data);
    expect(steps).toHaveLength(30);
    for (const [i, step] of steps.entries()) {
      expect(step.errors).toEqual([]);
      expect(step.plugins['w-market']).toEqual(step.plugins['p-market']);
      expect(step.plugins['w-market']).toMatchObject({
        n: Math.min(4, i + 1),
        symbol: 'SPY',
        other: 0,
        symbols: ['SPY'],
      });
    }
    await host.dispose();
  }, 60_000);
});
