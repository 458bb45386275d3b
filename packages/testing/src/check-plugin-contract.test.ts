import assert from 'node:assert/strict';
import { type Bar, definePlugin } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkPluginContract } from './check-plugin-contract.js';
import type { ContractCheck } from './contract-report.js';
import { expectPluginContract, PluginContractError } from './expect-plugin-contract.js';
import { sessionBars } from './session-bars.js';
import { nyse } from '../test/nyse-calendar.js';

/** A correct stateless sensor, shaped like @keel/plugin-atr-burst. */
const bodyBurst = definePlugin({
  id: 'body-burst',
  name: 'Body burst',
  version: '1.0.0',
  category: 'alpha',
  layer: 'L2',
  warmup: 15,
  window: 32,
  config: z.object({ period: z.number().int().min(2).max(30).default(14) }),
  onBar({ bar, window, config }) {
    let sum = 0;
    for (let i = window.length - 1 - config.period; i < window.length - 1; i++) {
      sum += window.high.get(i) - window.low.get(i);
    }
    const avg = sum / config.period;
    const ratio = avg > 0 ? Math.abs(bar.close - bar.open) / avg : 0;
    return { active: ratio > 1.5, score: Math.min(1, ratio / 3), status: ratio.toFixed(2), ratio };
  },
});

/** A correct stateful factory, shaped like @keel/plugin-session-stats: @close job, RPC, cache, panel. */
function createSessionCounter() {
  let bars = 0;
  let sessions = 0;
  return definePlugin({
    id: 'session-counter',
    name: 'Session counter',
    version: '1.0.0',
    category: 'diag',
    layer: 'EXE',
    warmup: 0,
    window: 2,
    setup(ctx) {
      ctx.rpc.register('session-counter.bars', () => bars);
    },
    onBar() {
      bars++;
      return { active: bars % 10 === 0, score: Math.min(1, bars / 100), status: `${bars} bars`, bars };
    },
    schedule: [
      {
        when: '@close',
        async run(ctx, tick) {
          sessions++;
          await ctx.cache.put('sessions', String(tick.scheduledAt), bars);
          const summary = { at: tick.scheduledAt, bars };
          bars = 0;
          return { success: true, data: summary };
        },
      },
    ],
    describe: () => ({
      status: `${sessions} sessions`,
      stats: { bars: () => bars, sessions: () => sessions },
    }),
    reset() {
      bars = 0;
      sessions = 0;
    },
  });
}

const checksOf = (report: { problems: readonly { check: ContractCheck }[] }) =>
  [...new Set(report.problems.map((p) => p.check))].sort();

describe('checkPluginContract on correct plugins', () => {
  it('passes a stateless sensor and runs every bar check', async () => {
    const report = await checkPluginContract(bodyBurst, { config: { period: 10 } });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.plugin).toBe('body-burst');
    expect(report.checked).toEqual(
      expect.arrayContaining([
        'manifest',
        'config',
        'load',
        'warmup',
        'readings',
        'determinism',
        'reset',
        'look-ahead',
      ]),
    );
    expect(report.checked).not.toContain('factory');
  });

  it('passes a stateful factory with a job, RPC, cache and panel, on NYSE sessions too', async () => {
    const bars = sessionBars({ calendar: nyse, dates: ['2024-07-01', '2024-07-02', '2024-07-03'] });
    const report = await expectPluginContract(createSessionCounter, { bars });
    expect(report.checked).toEqual(expect.arrayContaining(['factory', 'jobs', 'panel']));
  });
});

describe('checkPluginContract with many job runs', () => {
  it('compares every run after reset even when earlier replays filled the bounded run log', async () => {
    // One run per generated 5-minute bar: the baseline and the replay after reset on the same host
    // together record more runs than the host's run log keeps.
    const ticker = definePlugin({
      id: 'ticker',
      name: 'Ticker',
      version: '1.0.0',
      category: 'diag',
      schedule: [{ when: 'every 5m', run: () => ({ success: true }) }],
    });
    const report = await checkPluginContract(ticker, { count: 1500 });
    expect(report.problems).toEqual([]);
  });
});

describe('checkPluginContract finds broken plugins', () => {
  it('finds look-ahead through shared module state', async () => {
    // Remembers every bar any instance saw, then "predicts" with the next bar's close when it knows it.
    const seen = new Map<number, Bar>();
    const peeker = definePlugin({
      id: 'peeker',
      name: 'Peeker',
      version: '1.0.0',
      category: 'alpha',
      warmup: 1,
      window: 2,
      onBar({ bar }) {
        seen.set(bar.time, bar);
        const next = seen.get(bar.time + 300_000);
        const up = next !== undefined && next.close > bar.close;
        return { active: up, score: up ? 1 : 0, status: up ? 'up next' : 'unknown' };
      },
    });
    const report = await checkPluginContract(peeker);
    expect(checksOf(report)).toContain('look-ahead');
    expect(report.problems.find((p) => p.check === 'look-ahead')?.message).toMatch(
      /^generated bars \(seed 1\): readings over the first \d+ bars differ from the full run at bar \d+/,
    );
  });

  it('finds nondeterminism from a counter shared across hosts', async () => {
    let calls = 0;
    const counter = definePlugin({
      id: 'counter',
      name: 'Counter',
      version: '1.0.0',
      category: 'diag',
      warmup: 0,
      window: 2,
      onBar: () => ({ active: false, score: 0, status: 'ok', calls: ++calls }),
    });
    const report = await checkPluginContract(counter);
    expect(checksOf(report)).toContain('determinism');
    expect(report.problems.find((p) => p.check === 'determinism')?.message).toContain(
      'a second host over the same bars differs at bar 0',
    );
    // Checks that compare runs say the root cause may be the nondeterminism.
    expect(report.problems.find((p) => p.check === 'reset')?.message).toContain('see determinism');
  });

  it('finds a warm-up that is one bar longer than declared', async () => {
    const late = definePlugin({
      id: 'late',
      name: 'Late',
      version: '1.0.0',
      category: 'alpha',
      warmup: 10,
      window: 16,
      onBar({ window }) {
        // Needs 11 bars (10 changes) but declares 10: makes its own WARMUP for one more bar.
        if (window.length < 11) return { active: false, score: 0, status: 'WARMUP' };
        const change = window.close.get(-1) - window.close.get(-11);
        return { active: change > 0, score: change > 0 ? 1 : 0, status: 'ok' };
      },
    });
    const report = await checkPluginContract(late);
    expect(checksOf(report)).toEqual(['warmup']);
    expect(report.problems[0]?.message).toContain('is on bar 10, expected bar 9 (manifest.warmup 10)');
  });

  it('finds a warm-up that reads past the window start (NaN extra)', async () => {
    const short = definePlugin({
      id: 'short',
      name: 'Short',
      version: '1.0.0',
      category: 'alpha',
      warmup: 10,
      window: 16,
      onBar({ window }) {
        const change = window.close.get(-1) - (window.close.at(-11) ?? Number.NaN);
        return { active: false, score: 0, status: 'ok', change };
      },
    });
    const report = await checkPluginContract(short);
    expect(checksOf(report)).toEqual(['readings']);
    expect(report.problems[0]?.message).toMatch(
      /1 of \d+ readings are failures; the first, on bar 9: .*change is NaN/,
    );
  });

  it('finds NaN scores', async () => {
    const nan = definePlugin({
      id: 'nan-score',
      name: 'NaN score',
      version: '1.0.0',
      category: 'alpha',
      warmup: 2,
      window: 2,
      onBar: ({ bar }) => ({ active: true, score: bar.volume > 50_000 ? Number.NaN : 0.5, status: 'ok' }),
    });
    const report = await checkPluginContract(nan);
    expect(checksOf(report)).toEqual(['readings']);
    expect(report.problems[0]?.message).toContain('score is NaN');
  });

  it('finds state that reset() does not clear', async () => {
    const factory = () => {
      let n = 0;
      return definePlugin({
        id: 'forgetful',
        name: 'Forgetful',
        version: '1.0.0',
        category: 'diag',
        warmup: 0,
        window: 2,
        onBar: () => ({ active: false, score: 0, status: `${++n}` }),
      });
    };
    const report = await checkPluginContract(factory);
    expect(checksOf(report)).toEqual(['reset']);
    expect(report.problems[0]?.message).toContain('does reset() clear all state?');
  });

  it('finds a factory whose instances share state', async () => {
    let n = 0;
    const shared = definePlugin({
      id: 'shared',
      name: 'Shared',
      version: '1.0.0',
      category: 'diag',
      warmup: 0,
      window: 2,
      onBar: () => ({ active: false, score: 0, status: `${++n}` }),
      reset() {
        n = 0;
      },
    });
    const report = await checkPluginContract(() => shared);
    expect(checksOf(report)).toEqual(['factory']);
    expect(report.problems.map((p) => p.message).join('\n')).toContain('returned the same object twice');
    expect(report.problems.map((p) => p.message).join('\n')).toContain('interfere');
  });

  it('finds failing jobs, failing panel stats and setup errors', async () => {
    const job = definePlugin({
      id: 'bad-job',
      name: 'Bad job',
      version: '1.0.0',
      category: 'risk',
      schedule: [{ when: '@close', run: () => ({ success: false, error: 'no data' }) }],
      describe: () => ({
        status: 'ok',
        stats: {
          broken: () => {
            throw new Error('boom');
          },
        },
      }),
    });
    expect(checksOf(await checkPluginContract(job))).toEqual(['jobs', 'panel']);

    const setupFails = definePlugin({
      id: 'setup-fails',
      name: 'Setup fails',
      version: '1.0.0',
      category: 'infra',
      setup() {
        throw new Error('no connection');
      },
    });
    const report = await checkPluginContract(setupFails);
    expect(report.problems).toEqual([{ check: 'load', message: expect.stringContaining('setup: ') }]);
  });

  it('stops at an invalid manifest, config or factory', async () => {
    const bad = definePlugin({
      id: 'X',
      name: 'x',
      version: '1.0.0',
      category: 'alpha',
      onBar: () => ({ active: false, score: 0, status: '' }),
    });
    const manifest = await checkPluginContract(bad);
    expect(manifest).toMatchObject({ ok: false, plugin: undefined, checked: ['manifest'] });
    expect(manifest.problems[0]).toMatchObject({
      check: 'manifest',
      message: expect.stringContaining('manifest.id'),
    });

    const config = await checkPluginContract(bodyBurst, { config: { period: 1 } });
    expect(config.problems).toEqual([{ check: 'config', message: expect.stringContaining('config.period') }]);

    const throwing = await checkPluginContract(() => {
      throw new Error('factory broke');
    });
    expect(throwing.problems).toEqual([
      { check: 'manifest', message: 'plugin factory threw: factory broke' },
    ]);
  });
});

describe('expectPluginContract', () => {
  it('throws an assertion-shaped error listing every problem', async () => {
    let calls = 0;
    const counter = definePlugin({
      id: 'counter',
      name: 'Counter',
      version: '1.0.0',
      category: 'diag',
      warmup: 0,
      window: 2,
      onBar: () => ({ active: false, score: 0, status: `${++calls}` }),
    });
    const error = await expectPluginContract(counter).catch((e: unknown) => e);
    assert.ok(error instanceof PluginContractError);
    expect(error.code).toBe('TESTING_CONTRACT_VIOLATED');
    expect(error.problems.length).toBeGreaterThan(1);
    for (const p of error.problems) expect(error.message).toContain(`[${p.check}] ${p.message}`);
    expect(error.actual).toBe(error.problems);
    expect(error.expected).toEqual([]);
    // node:test and jest just need a rejection; node:assert's own helper works with it too.
    await assert.rejects(expectPluginContract(counter), PluginContractError);
  });
});
