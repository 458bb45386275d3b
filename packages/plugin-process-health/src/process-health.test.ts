import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { BusEvent } from '@keel/contract';
import { parsePluginConfig, parsePluginManifest } from '@keel/contract';
import { joinAux, readCsvBars } from '@keel/host';
import { createTestHost, expectPluginContract, runPlugin, sessionBars } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { describeWithSharedData } from '../../../test-support/shared-data.ts';
import { spyDailyWithVix } from '../../../test-support/spy-daily-with-vix.ts';
import { findBreaches, type HealthSample } from './health-sample.js';
import { createProcessHealth, PROCESS_HEALTH_EVENTS } from './process-health.js';

const hasProc = existsSync('/proc/self/status') && existsSync('/proc/self/stat');
const describeWithProc = hasProc ? describe : describe.skip;

/** RSS from the kernel's own accounting, MiB. */
function procRssMb(): number {
  const line = readFileSync('/proc/self/status', 'utf8').match(/^VmRSS:\s+(\d+)\s+kB$/m);
  if (line === null) throw new Error('no VmRSS in /proc/self/status');
  return Number(line[1]) / 1024;
}

/** User + system CPU time from /proc/self/stat (fields 14 and 15, in clock ticks), ms. */
function procCpuMs(ticksPerSecond: number): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // The command name (field 2) may hold spaces; fields after it start at the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / ticksPerSecond;
}

function busyWait(ms: number): void {
  const end = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() < end) {
    // Block the event loop on purpose.
  }
}

const limits = { maxLagP99Ms: 200, maxHeapUsedMb: 1024, maxRssMb: 2048, maxCpuPercent: 90 };

describe('findBreaches', () => {
  it('reports each metric strictly above its limit, and skips metrics not measured yet', () => {
    const calm = { lagP99Ms: 200, heapUsedMb: 1024, rssMb: 2048, cpuPercent: 90 };
    expect(findBreaches(calm, limits)).toEqual([]);
    expect(findBreaches({ ...calm, lagP99Ms: 200.5 }, limits)).toEqual([
      { metric: 'lagP99Ms', value: 200.5, limit: 200 },
    ]);
    expect(
      findBreaches({ lagP99Ms: 1e3, heapUsedMb: 2e3, rssMb: 3e3, cpuPercent: 150 }, limits).map(
        (b) => b.metric,
      ),
    ).toEqual(['lagP99Ms', 'heapUsedMb', 'rssMb', 'cpuPercent']);
    expect(findBreaches({ ...calm, lagP99Ms: null, cpuPercent: null }, limits)).toEqual([]);
  });
});

describe('process-health', () => {
  it('honours the plugin contract, as a factory', async () => {
    await expectPluginContract(createProcessHealth);
  });

  it('rejects a sampling interval outside the schedule grammar, naming the option', () => {
    for (const interval of ['30', 'every 30s', '8d', '200h', '']) {
      expect(() => createProcessHealth({ interval })).toThrow(
        expect.objectContaining({ code: 'PROCESS_HEALTH_INVALID_INTERVAL', field: 'options.interval' }),
      );
    }
    expect(createProcessHealth({ interval: '5m' }).schedule?.[0]?.when).toBe('every 5m');
  });

  it('validates its config', () => {
    const plugin = createProcessHealth();
    expect(parsePluginManifest(plugin).ok).toBe(true);
    expect(parsePluginConfig(plugin, {})).toEqual({ ok: true, config: { ...limits, keep: 120 } });
    expect(parsePluginConfig(plugin, { maxRssMb: 0 }).ok).toBe(false);
  });

  it('samples every 30 s on bar time in a replay, publishing each sample and caching the latest', async () => {
    const bars = sessionBars({ dates: ['2024-07-01'] }).slice(0, 12); // 5-minute bars
    const run = await runPlugin(createProcessHealth, bars, { config: { keep: 5 } });
    const jobs = run.runs.filter((r) => r.job === 'sample');
    expect(jobs.length).toBeGreaterThanOrEqual(bars.length - 1);
    expect(jobs.every((r) => r.success)).toBe(true);
    const published = run.events.filter((e) => e.type === PROCESS_HEALTH_EVENTS.sample);
    expect(published).toHaveLength(jobs.length);
    expect(run.panel?.stats.samples).toBe(jobs.length);
    expect(run.panel?.stats.history as HealthSample[]).toHaveLength(5);
    // Samples are stamped with the host clock: bar time in a replay.
    for (const e of published) expect((e.data as HealthSample).at).toBeGreaterThanOrEqual(bars[0]!.time);
  });
});

describeWithProc('process-health against the kernel’s accounting (/proc)', () => {
  it('reports RSS, heap and CPU that agree with /proc and process.memoryUsage()', async () => {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    const host = createTestHost();
    await host.load([createProcessHealth()]);
    const cpuBefore = procCpuMs(ticks);
    const rssBefore = procRssMb();
    const heapBefore = process.memoryUsage().heapUsed / 2 ** 20;
    const s = await host.rpc.call<HealthSample>('process-health.sample');
    const cpuAfter = procCpuMs(ticks);
    const rssAfter = procRssMb();
    const heapAfter = process.memoryUsage().heapUsed / 2 ** 20;
    // /proc counts whole ticks per thread, getrusage (behind process.cpuUsage) finer: allow 3 ticks + 5%.
    const slack = (cpu: number) => 3 * (1000 / ticks) + 0.05 * cpu;
    expect(s.cpuUserMs + s.cpuSystemMs).toBeGreaterThanOrEqual(cpuBefore - slack(cpuBefore));
    expect(s.cpuUserMs + s.cpuSystemMs).toBeLessThanOrEqual(cpuAfter + slack(cpuAfter));
    expect(s.rssMb).toBeGreaterThan(0.8 * Math.min(rssBefore, rssAfter));
    expect(s.rssMb).toBeLessThan(1.2 * Math.max(rssBefore, rssAfter));
    expect(s.heapUsedMb).toBeGreaterThan(0.5 * Math.min(heapBefore, heapAfter));
    expect(s.heapUsedMb).toBeLessThan(2 * Math.max(heapBefore, heapAfter));
    expect(s.heapTotalMb).toBeGreaterThanOrEqual(s.heapUsedMb);
    expect(await host.rpc.call('process-health.sample')).toMatchObject({ ok: expect.any(Boolean) });
    await host.dispose();
  });

  it('sees a blocked event loop and a busy CPU, and reports the breaches on the bus', async () => {
    const host = createTestHost();
    await host.load([{ plugin: createProcessHealth(), config: { maxLagP99Ms: 50, maxCpuPercent: 1 } }]);
    const breaches: BusEvent[] = [];
    host.bus.on(PROCESS_HEALTH_EVENTS.breach, (e) => void breaches.push(e));
    await host.rpc.call('process-health.sample'); // starts the CPU interval
    await new Promise((resolve) => setTimeout(resolve, 30)); // let the lag monitor tick once
    busyWait(300);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const s = await host.rpc.call<HealthSample>('process-health.sample');
    // A 300 ms block makes the monitor's timer at least ~290 ms late, however loaded the machine is.
    expect(s.lagMaxMs).toBeGreaterThanOrEqual(250);
    expect(s.lagP99Ms).toBeGreaterThanOrEqual(250);
    expect(s.cpuPercent).toBeGreaterThan(1);
    expect(s.ok).toBe(false);
    expect(s.breaches.map((b) => b.metric)).toEqual(expect.arrayContaining(['lagP99Ms', 'cpuPercent']));
    await host.idle();
    expect(breaches.map((e) => (e.data as { metric: string }).metric)).toEqual(
      expect.arrayContaining(['lagP99Ms', 'cpuPercent']),
    );
    expect(host.describe('process-health')?.status).toMatch(/^breach: /);
    await host.dispose();
  });

  it('samples on a process-health.sample bus event and flags a heap limit', async () => {
    const host = createTestHost();
    await host.load([{ plugin: createProcessHealth(), config: { maxHeapUsedMb: 1 } }]);
    host.bus.publish('process-health.sample', null);
    await host.idle();
    const runs = host.runs({ plugin: 'process-health' });
    expect(runs.map((r) => [r.job, r.success])).toEqual([['sample-on-request', true]]);
    const latest = host.describe('process-health')?.stats.latest as HealthSample;
    expect(latest.breaches).toContainEqual(expect.objectContaining({ metric: 'heapUsedMb', limit: 1 }));
    await host.dispose();
  });
});

describeWithSharedData('process-health on SPY daily bars', () => {
  it('honours the contract with VIX as aux', async () => {
    const bars = await spyDailyWithVix({ joinAux, readCsvBars });
    // One sample per daily bar; the default 30 s would replay 2,880 samples per bar.
    await expectPluginContract(() => createProcessHealth({ interval: '24h' }), { bars });
  }, 120_000);
});
