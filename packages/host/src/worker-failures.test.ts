import { describe, expect, it, beforeAll, afterAll, vi } from 'vitest';
import {
  baseSma,
  bars,
  collect,
  createPluginDir,
  hostWith,
  type PluginDir,
  readingsWithout,
  SMA,
} from '../test/worker-fixtures.js';
import { createLogger } from './logger.js';
import type { HostStepResult } from './pipeline.js';

// What `isolation: 'worker'` contains: a synchronous infinite loop, process.exit(), throws, an
// uncaught error, running out of memory; and the restart with the quarantine back-off. Real
// threads and plugin files. Budgets are real timers, so only outcomes are asserted, and the one
// budget a test has to sit out (the infinite loop) is the contract's default 1 s: far above a
// healthy call's round trip even on a slow, busy machine.

let plugins: PluginDir;

beforeAll(async () => {
  plugins = await createPluginDir();
});

afterAll(async () => {
  await plugins.remove();
});

describe('worker failures', () => {
  it('terminates a synchronous infinite loop: TIMEOUT, then a restart; neighbours are untouched', async () => {
    const healthy = await plugins.write('healthy.mjs', { id: 'w-healthy', worker: true, onBar: SMA });
    const looper = await plugins.write('looper.mjs', {
      id: 'w-looper',
      worker: true,
      warmup: 0,
      budget: { timeoutMs: 1000 },
      onBar: `if (step.index === 8) { while (true) {} } return { active: false, score: 0, status: 'fine' };`,
    });
    const data = bars(20);
    const clean = hostWith();
    await clean.load([baseSma(), healthy]);
    const baseline = await collect(clean, data);
    await clean.dispose();

    const host = hostWith();
    const { errors } = await host.load([baseSma(), looper, healthy]);
    expect(errors).toEqual([]);
    const steps = await collect(host, data);
    expect(readingsWithout(steps, 'w-looper')).toEqual(readingsWithout(baseline));
    expect(steps[8]?.plugins['w-looper']).toEqual({ active: false, score: 0, status: 'TIMEOUT' });
    expect(steps[8]?.errors).toEqual([
      {
        plugin: 'w-looper',
        kind: 'TIMEOUT',
        message: 'onBar exceeded budget.timeoutMs 1000; worker terminated',
      },
    ]);
    expect(steps[9]?.plugins['w-looper']?.status).toBe('fine');
    const stats = host.plugins().find((p) => p.id === 'w-looper')?.stats;
    expect(stats).toMatchObject({ timeouts: 1, errors: 0, restarts: 1, consecutiveFailures: 0 });
    expect(stats?.lastError).toMatchObject({ kind: 'TIMEOUT', index: 8 });
    await host.dispose();
  });

  it('contains process.exit(), a throw and an uncaught error as ERROR readings', async () => {
    const exiter = await plugins.write('exiter.mjs', {
      id: 'w-exiter',
      worker: true,
      warmup: 0,
      onBar: `if (step.index === 3) process.exit(1); return { active: true, score: 1, status: 'alive' };`,
    });
    const thrower = await plugins.write('thrower.mjs', {
      id: 'w-thrower',
      worker: true,
      warmup: 0,
      onBar: `if (step.index === 3) throw new Error('boom at ' + step.index);
        if (step.index === 5) setTimeout(() => { throw new Error('late boom'); }, 0);
        return { active: true, score: 1, status: 'alive' };`,
    });
    const deaths: string[] = [];
    const logger = createLogger({
      level: 'error',
      sink: (_line, record) => {
        if (record.msg === 'plugin worker died') deaths.push(String(record.fields.reason));
      },
    });
    const host = hostWith({ services: { logger } });
    const { errors } = await host.load([baseSma(), exiter, thrower]);
    expect(errors).toEqual([]);
    const data = bars(10);
    const steps: HostStepResult[] = [];
    for (const bar of data) {
      steps.push((await host.step(bar)) as HostStepResult);
      // Let the late throw land between two bars, as it would in a live feed: wait until the host
      // has seen that thread die (however long a busy machine takes), then feed the next bar.
      if (steps.length === 6) {
        await vi.waitFor(() => expect(deaths).toContain('worker crashed: late boom'), { timeout: 30_000 });
      }
    }
    expect(steps[3]?.plugins['w-exiter']?.status).toBe('ERROR: worker exited with code 1 (process.exit)');
    expect(steps[3]?.plugins['w-thrower']?.status).toBe('ERROR: boom at 3');
    expect(steps[4]?.plugins['w-exiter']?.status).toBe('alive');
    expect(steps[6]?.plugins['w-thrower']?.status).toBe('ERROR: worker crashed: late boom');
    expect(steps[7]?.plugins['w-thrower']?.status).toBe('alive');
    expect(steps.map((s) => s.plugins['base-sma'])).toEqual(
      (
        await (async () => {
          const h = hostWith();
          await h.load([baseSma()]);
          const out = await collect(h, data);
          await h.dispose();
          return out;
        })()
      ).map((s) => s.plugins['base-sma']),
    );
    const info = Object.fromEntries(host.plugins().map((p) => [p.id, p.stats]));
    expect(info['w-exiter']).toMatchObject({ errors: 1, restarts: 1 });
    expect(info['w-thrower']).toMatchObject({ errors: 2, restarts: 1 });
    await host.dispose();
  });

  it('reports running out of memory as an ERROR and carries on', async () => {
    const hog = await plugins.write('hog.mjs', {
      id: 'w-hog',
      worker: true,
      warmup: 0,
      budget: { timeoutMs: 10_000, memMb: 24 },
      onBar: `if (step.index === 2) { const keep = []; for (;;) keep.push(new Array(1e5).fill(step.index + 0.5)); }
        return { active: false, score: 0.5, status: 'ok' };`,
    });
    const host = hostWith();
    const { errors } = await host.load([baseSma(), hog]);
    expect(errors).toEqual([]);
    const steps = await collect(host, bars(5));
    expect(steps[2]?.plugins['w-hog']?.status).toBe('ERROR: worker ran out of memory (budget.memMb 24)');
    expect(steps[2]?.errors[0]).toMatchObject({ plugin: 'w-hog', kind: 'ERROR' });
    expect(steps[3]?.plugins['w-hog']?.status).toBe('ok');
    expect(host.plugins().find((p) => p.id === 'w-hog')?.stats).toMatchObject({ errors: 1, restarts: 1 });
    await host.dispose();
  });

  it('restarts with the quarantine back-off and recovers (fails on bars 30–40 only)', async () => {
    const flaky = await plugins.write('flaky.mjs', {
      id: 'w-flaky',
      worker: true,
      onBar: `if (step.index >= 30 && step.index <= 40) process.exit(2); ${SMA}`,
    });
    const steady = await plugins.write('steady.mjs', { id: 'p-steady', onBar: SMA });
    const host = hostWith({ quarantine: { threshold: 3, backoffBars: 4, maxBackoffBars: 64 } });
    const { errors } = await host.load([baseSma(), flaky, steady]);
    expect(errors).toEqual([]);
    const steps = await collect(host, bars(60));
    const status = (i: number) => steps[i]?.plugins['w-flaky']?.status;
    expect([30, 31, 32].map(status)).toEqual(
      Array(3).fill('ERROR: worker exited with code 2 (process.exit)'),
    );
    expect([33, 34, 35, 36].map(status)).toEqual(Array(4).fill('QUARANTINED'));
    expect(status(37)).toBe('ERROR: worker exited with code 2 (process.exit)');
    expect([38, 45].map(status)).toEqual(['QUARANTINED', 'QUARANTINED']);
    // Back, with a window rebuilt from the host's bars: readings equal the in-process twin's.
    for (let i = 46; i < 60; i++) {
      expect(steps[i]?.plugins['w-flaky']).toMatchObject({ index: i, len: 5 });
      expect(steps[i]?.plugins['w-flaky']).toEqual(steps[i]?.plugins['p-steady']);
    }
    for (let i = 0; i < 30; i++) expect(steps[i]?.plugins['w-flaky']).toEqual(steps[i]?.plugins['p-steady']);
    const info = host.plugins().find((p) => p.id === 'w-flaky');
    expect(info?.state).toBe('ready');
    expect(info?.stats).toMatchObject({
      errors: 4,
      timeouts: 0,
      quarantines: 2,
      restarts: 4,
      consecutiveFailures: 0,
    });
    await host.dispose();
  });
});
