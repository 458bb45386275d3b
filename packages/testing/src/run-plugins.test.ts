import { definePlugin } from '@keel/contract';
import { generateBars } from '@keel/host';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { nyse } from '../test/nyse-calendar.js';
import { barsFrom } from './bars-from.js';
import { runPlugin, runPlugins } from './run-plugins.js';
import { sessionBars } from './session-bars.js';
import { createTestHost } from './test-host.js';

const up = definePlugin({
  id: 'up',
  name: 'Up',
  version: '1.0.0',
  category: 'alpha',
  layer: 'L2',
  warmup: 2,
  window: 2,
  async onBar({ window }) {
    await Promise.resolve();
    const rising = window.close.get(-1) > window.close.get(-2);
    return { active: rising, score: rising ? 1 : 0, status: rising ? 'up' : 'flat' };
  },
});

const confirm = definePlugin({
  id: 'confirm',
  name: 'Confirm',
  version: '1.0.0',
  category: 'alpha',
  layer: 'L3',
  warmup: 0,
  window: 2,
  onBar: ({ step }) => {
    const seen = step.plugins.up;
    return { active: seen?.active ?? false, score: seen?.score ?? 0, status: seen?.status ?? 'none' };
  },
});

describe('runPlugin', () => {
  it('returns one reading per accepted bar, warm-up included, and the plugin info', async () => {
    const bars = barsFrom([
      [100, 101, 99, 100],
      [100, 102, 99, 101],
      [101, 101.5, 100, 100.5],
      [100.5, 103, 100, 102],
    ]);
    const run = await runPlugin(up, bars);
    expect(run.readings.map((r) => r.status)).toEqual(['WARMUP', 'up', 'flat', 'up']);
    expect(run.steps).toHaveLength(4);
    expect(run.info).toMatchObject({ id: 'up', state: 'ready', stats: { calls: 3, errors: 0 } });
    expect(run.rejected).toEqual([]);
  });

  it('reports rejected bars and runs scheduled jobs, events and panels on session time', async () => {
    const closer = definePlugin({
      id: 'closer',
      name: 'Closer',
      version: '1.0.0',
      category: 'diag',
      config: z.object({ tag: z.string().default('x') }),
      schedule: [
        {
          when: '@close',
          run(ctx, tick) {
            ctx.bus.publish('closer.closed', { at: tick.scheduledAt, tag: ctx.config.tag });
            return { success: true };
          },
        },
      ],
      describe: (ctx) => ({ status: 'ok', stats: { tag: () => ctx.config.tag } }),
    });
    const bars = sessionBars({ calendar: nyse, dates: ['2024-07-02', '2024-07-03'] });
    const run = await runPlugin(closer, [...bars, { ...bars[0]!, time: 0 }], { config: { tag: 'y' } });
    expect(run.rejected.map((r) => r.reason)).toEqual(['time_not_increasing']);
    expect(run.runs.map((r) => new Date(r.scheduledAt).toISOString())).toEqual([
      '2024-07-02T20:00:00.000Z',
      '2024-07-03T17:00:00.000Z',
    ]);
    // The host's own market_open / market_close come first at each instant, then the job's event.
    expect(run.events.map((e) => [e.type, e.source, new Date(e.time).toISOString()])).toEqual([
      ['market_open', 'host', '2024-07-02T13:30:00.000Z'],
      ['market_close', 'host', '2024-07-02T20:00:00.000Z'],
      ['closer.closed', 'closer', '2024-07-02T20:00:00.000Z'],
      ['market_open', 'host', '2024-07-03T13:30:00.000Z'],
      ['market_close', 'host', '2024-07-03T17:00:00.000Z'],
      ['closer.closed', 'closer', '2024-07-03T17:00:00.000Z'],
    ]);
    expect(run.events.filter((e) => e.source === 'closer').map((e) => e.data)).toEqual([
      { at: Date.parse('2024-07-02T20:00:00Z'), tag: 'y' },
      { at: Date.parse('2024-07-03T17:00:00Z'), tag: 'y' },
    ]);
    expect(run.panel).toEqual({ status: 'ok', stats: { tag: 'y' } });
  });

  it('returns every job run of a long replay, not only the newest 1,000 the host keeps', async () => {
    const ran: number[] = [];
    const ticker = definePlugin({
      id: 'ticker',
      name: 'Ticker',
      version: '1.0.0',
      category: 'diag',
      schedule: [
        {
          when: 'every 1m',
          run(_ctx, tick) {
            ran.push(tick.scheduledAt);
            return { success: true };
          },
        },
      ],
    });
    // Three sessions of one-minute bars: 1,170 bars, a run on each.
    const bars = sessionBars({
      calendar: nyse,
      dates: ['2024-07-08', '2024-07-09', '2024-07-10'],
      intervalMs: 60_000,
    });
    const run = await runPlugin(ticker, bars);
    expect(ran.length).toBeGreaterThan(1_000);
    expect(run.runs.map((r) => r.scheduledAt)).toEqual(ran);
    expect(run.runs[0]?.scheduledAt).toBe(bars[0]?.time);
  });

  it('throws TESTING_LOAD_FAILED naming the load error', async () => {
    await expect(runPlugin(up, [], { config: { nope: 1 } })).rejects.toMatchObject({
      code: 'TESTING_LOAD_FAILED',
      message: expect.stringContaining('up (config): plugin takes no config'),
    });
  });
});

describe('runPlugins', () => {
  it('runs plugins in layer order, whatever the entry order, and keeps load errors', async () => {
    const run = await runPlugins(
      [confirm, { plugin: () => up }, { plugin: up }],
      generateBars({ count: 30, seed: 3 }),
    );
    expect(run.loadErrors).toMatchObject([{ plugin: 'up', phase: 'manifest' }]);
    expect(run.info.map((p) => p.id)).toEqual(['confirm', 'up']);
    expect(run.steps[5]?.sensors.map((row) => row.plugin)).toEqual(['up', 'confirm']);
    expect(run.readings.confirm).toEqual(run.readings.up);
    expect(run.readings.up).toHaveLength(30);
  });
});

describe('createTestHost', () => {
  it('uses memory cache, a silent logger and a manual live clock', async () => {
    const host = createTestHost();
    const plugin = definePlugin({
      id: 'clocky',
      name: 'Clocky',
      version: '1.0.0',
      category: 'diag',
      setup(ctx) {
        ctx.rpc.register('clocky.now', () => ctx.clock.now());
      },
    });
    await host.load([plugin]);
    expect(await host.rpc.call('clocky.now')).toBe(Date.UTC(2024, 0, 2, 14, 30));
    await host.dispose();
  });
});
