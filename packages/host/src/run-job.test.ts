import { createNyseCalendar } from '@keel/calendar';
import { definePlugin, type PluginResult } from '@keel/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost, type Host } from './host.js';
import { createLogger } from './logger.js';
import type { RunRecord } from './services/run-log.js';

const hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.dispose();
});

/** A host with one plugin whose `close` job counts its runs; `release` finishes a held run. */
async function jobHost(hold = false) {
  let runs = 0;
  let release: () => void = () => {};
  const host = createHost({
    calendar: createNyseCalendar(),
    cache: { memory: true },
    services: { logger: createLogger({ level: 'silent' }) },
  });
  hosts.push(host);
  const { errors } = await host.load([
    definePlugin({
      id: 'counter',
      name: 'Counter',
      version: '1.0.0',
      category: 'diag',
      schedule: [
        {
          name: 'close',
          when: '@close',
          run: (): PluginResult | Promise<PluginResult> => {
            runs++;
            if (!hold) return { success: true, data: { runs } };
            return new Promise((resolve) => {
              release = () => resolve({ success: true, data: { runs } });
            });
          },
        },
        {
          name: 'fails',
          when: '@close',
          run: () => {
            throw new Error('job exploded');
          },
        },
      ],
    }),
  ]);
  expect(errors).toEqual([]);
  return { host, count: () => runs, release: () => release() };
}

describe('host.runJob: a scheduled job run now', () => {
  it('resolves with the record, which the run log and onRun also get, marked manual', async () => {
    const { host, count } = await jobHost();
    const observed: RunRecord[] = [];
    host.onRun((r) => observed.push(r));
    const record = await host.runJob('counter', 'close');
    expect(record).toMatchObject({
      plugin: 'counter',
      job: 'close',
      when: '@close',
      success: true,
      manual: true,
      coalesced: 0,
    });
    expect(count()).toBe(1);
    expect(host.runs()).toEqual([record]);
    expect(observed).toEqual([record]);
    const failed = await host.runJob('counter', 'fails');
    expect(failed).toMatchObject({ success: false, manual: true });
    expect(failed.error).toContain('job exploded');
  });

  it('rejects an unknown job and a job that is running (a job never overlaps itself)', async () => {
    const { host, count, release } = await jobHost(true);
    await expect(host.runJob('counter', 'nope')).rejects.toMatchObject({
      code: 'SCHEDULER_UNKNOWN_JOB',
      field: 'job',
    });
    await expect(host.runJob('other', 'close')).rejects.toMatchObject({ code: 'SCHEDULER_UNKNOWN_JOB' });
    const first = host.runJob('counter', 'close');
    await expect(host.runJob('counter', 'close')).rejects.toMatchObject({ code: 'SCHEDULER_JOB_BUSY' });
    release();
    expect(await first).toMatchObject({ success: true, data: { runs: 1 } });
    expect(count()).toBe(1);
  });

  it('refuses after dispose', async () => {
    const { host } = await jobHost();
    await host.dispose();
    hosts.splice(0);
    expect(() => host.runJob('counter', 'close')).toThrow(expect.objectContaining({ code: 'HOST_DISPOSED' }));
  });
});
