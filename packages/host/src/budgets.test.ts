import { definePlugin, type KeelPlugin } from '@keel/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHost } from './host.js';
import { createLogger } from './logger.js';
import type { HostStepResult } from './pipeline.js';
import { jsonSizeOver, sanitizeReading } from './readings.js';
import { generateBars } from './synthetic-bars.js';

// Budgets of synchronous in-process calls, on an injected clock: the plugin advances a fake clock
// inside onBar, so "this call took 72 ms" is a fact of the test, not of the machine.
const quiet = { services: { logger: createLogger({ level: 'silent' }) } };

interface FakeClock {
  t: number;
  cpu: number;
}

function slowPlugin(
  clock: FakeClock,
  costs: (index: number) => { wall: number; cpu?: number },
  budget: object,
): KeelPlugin {
  let index = 0;
  return definePlugin({
    id: 'slow',
    name: 'slow',
    version: '1.0.0',
    category: 'alpha',
    layer: 'L1',
    warmup: 1,
    window: 2,
    budget: budget as { timeoutMs: number },
    onBar() {
      const cost = costs(index++);
      clock.t += cost.wall;
      clock.cpu += cost.cpu ?? cost.wall;
      return { active: true, score: 0.5, status: 'computed' };
    },
  });
}

async function run(
  plugin: KeelPlugin,
  clock: FakeClock,
  bars: number,
  extra: object = {},
): Promise<HostStepResult[]> {
  const host = createHost({ ...quiet, now: () => clock.t, cpuTime: () => clock.cpu, ...extra });
  const { errors } = await host.load([plugin]);
  expect(errors).toEqual([]);
  const steps: HostStepResult[] = [];
  await host.replay(generateBars({ count: bars, seed: 1 }), { onStep: (r) => steps.push(r) });
  await host.dispose();
  return steps;
}

describe('budget.timeoutMs for synchronous calls', () => {
  it('drops the reading of a call that overran and reports by how much', async () => {
    const clock: FakeClock = { t: 0, cpu: 0 };
    const steps = await run(
      slowPlugin(clock, (i) => ({ wall: i === 2 ? 72 : 1 }), { timeoutMs: 10 }),
      clock,
      5,
    );
    expect(steps.map((s) => s.plugins.slow?.status)).toEqual([
      'computed',
      'computed',
      'TIMEOUT (overran by 62 ms)',
      'computed',
      'computed',
    ]);
    const late = steps[2] as HostStepResult;
    expect(late.plugins.slow).toMatchObject({ active: false, score: 0 });
    expect(late.sensors[0]).toMatchObject({ status: 'TIMEOUT (overran by 62 ms)', active: false });
    expect(late.errors).toEqual([
      {
        plugin: 'slow',
        kind: 'TIMEOUT',
        message: 'onBar took 72 ms, over budget.timeoutMs 10; its reading was dropped',
      },
    ]);
    expect(late.timing.totalMs).toBe(72);
  });

  it('counts overruns towards quarantine', async () => {
    const clock: FakeClock = { t: 0, cpu: 0 };
    const host = createHost({ ...quiet, now: () => clock.t, quarantine: { threshold: 3, backoffBars: 5 } });
    await host.load([slowPlugin(clock, () => ({ wall: 20 }), { timeoutMs: 10 })]);
    const statuses: string[] = [];
    await host.replay(generateBars({ count: 5, seed: 2 }), {
      onStep: (r) => statuses.push(r.plugins.slow?.status ?? ''),
    });
    expect(statuses).toEqual([
      'TIMEOUT (overran by 10 ms)',
      'TIMEOUT (overran by 10 ms)',
      'TIMEOUT (overran by 10 ms)',
      'QUARANTINED',
      'QUARANTINED',
    ]);
    const [info] = host.plugins();
    expect(info?.state).toBe('quarantined');
    expect(info?.stats).toMatchObject({ timeouts: 3, quarantines: 1, calls: 3 });
    expect(info?.stats.lastError).toMatchObject({ kind: 'TIMEOUT', index: 2 });
    await host.dispose();
  });

  it('accepts a call that took exactly its budget', async () => {
    const clock: FakeClock = { t: 0, cpu: 0 };
    const steps = await run(
      slowPlugin(clock, () => ({ wall: 10 }), { timeoutMs: 10 }),
      clock,
      3,
    );
    expect(steps.every((s) => s.plugins.slow?.status === 'computed' && s.errors.length === 0)).toBe(true);
  });

  it('rejects a now hook that is not a function', () => {
    expect(() => createHost({ ...quiet, now: 5 as unknown as () => number })).toThrow(
      'now must be a function returning milliseconds',
    );
  });
});

describe('budget.cpuMs for synchronous calls', () => {
  it('fails calls over cpuMs once a call exceeded it in wall time, charging min(wall, CPU)', async () => {
    const clock: FakeClock = { t: 0, cpu: 0 };
    const costs = [
      { wall: 1, cpu: 1 },
      { wall: 8, cpu: 8 }, // over cpuMs 5 in wall time: starts CPU measurement, not yet charged
      { wall: 8, cpu: 7 }, // measured: 7 ms of CPU
      { wall: 8, cpu: 2 }, // long but mostly waiting (other threads' CPU would show up as cpu > wall)
      { wall: 9, cpu: 30 }, // process CPU includes other threads: charged the wall time, 9 ms
    ];
    const steps = await run(
      slowPlugin(clock, (i) => costs[i] ?? { wall: 1 }, { timeoutMs: 100, cpuMs: 5 }),
      clock,
      6,
    );
    expect(steps.map((s) => s.plugins.slow?.status)).toEqual([
      'computed',
      'computed',
      'ERROR: budget: onBar used 7 ms of CPU, over budget.cpuMs 5',
      'computed',
      'ERROR: budget: onBar used 9 ms of CPU, over budget.cpuMs 5',
      'computed',
    ]);
    expect(steps[2]?.errors[0]).toMatchObject({ kind: 'ERROR', plugin: 'slow' });
  });

  it('never reads the CPU clock for a plugin that stays within cpuMs in wall time', async () => {
    const clock: FakeClock = { t: 0, cpu: 0 };
    let reads = 0;
    const host = createHost({
      ...quiet,
      now: () => clock.t,
      cpuTime: () => {
        reads++;
        return clock.cpu;
      },
    });
    await host.load([slowPlugin(clock, () => ({ wall: 2 }), { timeoutMs: 100, cpuMs: 5 })]);
    await host.replay(generateBars({ count: 50, seed: 3 }));
    expect(reads).toBe(0);
    await host.dispose();
  });
});

function bigReadingPlugin(sizes: (index: number) => number, nested: boolean): KeelPlugin {
  let index = 0;
  return definePlugin({
    id: 'big',
    name: 'big',
    version: '1.0.0',
    category: 'alpha',
    layer: 'L1',
    warmup: 1,
    window: 2,
    onBar() {
      const text = 'x'.repeat(sizes(index++));
      return nested
        ? { active: false, score: 0, status: 'ok', blob: { parts: [text] } }
        : { active: false, score: 0, status: 'ok', blob: text };
    },
  });
}

describe('reading size cap', () => {
  for (const nested of [false, true]) {
    it(`rejects a reading over the default 256 KB (${nested ? 'nested' : 'flat'} extra)`, async () => {
      const clock: FakeClock = { t: 0, cpu: 0 };
      const steps = await run(
        bigReadingPlugin((i) => (i === 1 ? 300_000 : 100_000), nested),
        clock,
        3,
      );
      expect(steps.map((s) => s.plugins.big?.status)).toEqual([
        'ok',
        'ERROR: contract: reading is larger than 262144 bytes',
        'ok',
      ]);
      expect(steps[1]?.errors[0]).toMatchObject({ kind: 'CONTRACT' });
    });
  }

  it('takes a cap per host and per plugin entry', async () => {
    const host = createHost({ ...quiet, maxReadingBytes: 1000 });
    const { errors } = await host.load([
      { plugin: bigReadingPlugin(() => 2000, false), maxReadingBytes: 4096 },
      { plugin: { ...bigReadingPlugin(() => 2000, false), id: 'big-default' } },
    ]);
    expect(errors).toEqual([]);
    const out = (await host.step(generateBars({ count: 1, seed: 4 }).next().value)) as HostStepResult;
    expect(out.plugins.big?.status).toBe('ok');
    expect(out.plugins['big-default']?.status).toBe('ERROR: contract: reading is larger than 1000 bytes');
    const bad = await host.load([
      { plugin: { ...bigReadingPlugin(() => 1, false), id: 'big-bad' }, maxReadingBytes: 0 },
    ]);
    expect(bad.errors[0]).toMatchObject({
      plugin: 'big-bad',
      code: 'HOST_INVALID_OPTION',
      message: 'maxReadingBytes must be a positive integer (got 0)',
    });
    expect(() => createHost({ ...quiet, maxReadingBytes: -1 })).toThrow(
      'maxReadingBytes must be a positive integer',
    );
    await host.dispose();
  });

  it('measures exactly the UTF-8 size JSON.stringify would produce (property)', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 400 }), (value, cap) => {
        const bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
        expect(jsonSizeOver(value, cap)).toBe(bytes > cap);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with the cap on the fast and the general path (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.integer({ min: 60, max: 1500 }),
        (text, cap) => {
          const reading = { active: false, score: 0, status: 's', text };
          const bytes = Buffer.byteLength(JSON.stringify(reading), 'utf8');
          const out = sanitizeReading(reading, false, cap);
          if (bytes > cap) expect(out).toBe(`reading is larger than ${cap} bytes`);
          else expect(out).toEqual(reading);
        },
      ),
      { numRuns: 500 },
    );
  });
});
