import { createNyseCalendar } from '@keel/calendar';
import type { Bar, BusEvent, JsonValue } from '@keel/contract';
import { createHost, createLogger } from '@keel/host';
import atrBurst from '@keel/plugin-atr-burst';
import { expectPluginContract } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { createSessionStats, type SessionSummary } from './session-stats.js';

function sessionBars(dates: string[]): Bar[] {
  const calendar = createNyseCalendar();
  const bars: Bar[] = [];
  let i = 0;
  for (const date of dates) {
    const s = calendar.sessionOn(date)!;
    for (let t = s.open; t < s.close; t += 300_000, i++) {
      // Every 20th bar has a large body, so atr-burst fires a few times a session.
      const body = i % 20 === 19 ? 3 : 0.1;
      bars.push({ time: t, open: 100, close: 100 + body, high: 100 + body + 0.2, low: 99.8, volume: 1000 });
    }
  }
  return bars;
}

describe('session-stats', () => {
  it('honours the plugin contract, as a factory', async () => {
    await expectPluginContract(createSessionStats);
  });

  it('reports each session at the close over the bus, RPC, cache and panel', async () => {
    const host = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    const { errors } = await host.load([atrBurst, createSessionStats()]);
    expect(errors).toEqual([]);
    const closed: BusEvent[] = [];
    host.bus.on('session.closed', (e) => void closed.push(e));

    await host.replay(sessionBars(['2024-07-01', '2024-07-02', '2024-07-03']));
    await host.idle();

    // 2024-07-03 closes early at 13:00 New York time.
    expect(closed.map((e) => new Date((e.data as SessionSummary).sessionClose).toISOString())).toEqual([
      '2024-07-01T20:00:00.000Z',
      '2024-07-02T20:00:00.000Z',
      '2024-07-03T17:00:00.000Z',
    ]);
    const summaries = closed.map((e) => e.data as SessionSummary);
    expect(summaries.map((s) => s.bars)).toEqual([78, 78, 42]);
    for (const s of summaries) {
      expect(s.activeBars).toBeGreaterThan(0);
      expect(s.activations['atr-burst']).toBe(s.activeBars);
    }
    expect(closed.every((e) => e.source === 'session-stats')).toBe(true);

    const last = (await host.rpc.call('session-stats.last')) as JsonValue;
    expect(last).toEqual(summaries[2]);
    expect(await host.rpc.call('session-stats.history')).toEqual(summaries.map((s) => s.sessionClose));

    const panel = host.describe('session-stats');
    expect(panel?.stats.sessions).toBe(3);
    expect(panel?.status).toContain('2024-07-03T17:00:00.000Z');
    expect(host.runs({ plugin: 'session-stats' }).every((r) => r.success)).toBe(true);
    await host.dispose();
  });

  it('gives each instance its own counters and resets them', async () => {
    const a = createSessionStats();
    const b = createSessionStats();
    expect(a).not.toBe(b);
    const host = createHost({
      cache: { memory: true },
      services: { logger: createLogger({ level: 'silent' }) },
    });
    await host.load([a]);
    await host.replay(sessionBars(['2024-07-01']).slice(0, 10));
    expect(host.describe('session-stats')?.stats.barsThisSession).toBe(10);
    host.reset();
    expect(host.describe('session-stats')?.stats.barsThisSession).toBe(0);
    await host.dispose();
  });
});
