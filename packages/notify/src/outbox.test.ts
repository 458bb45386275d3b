import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createLoopbackPublisher,
  type LoopbackServer,
  makeAlerts,
  startLoopbackServer,
} from '../test/loopback.js';
import { createVirtualClock } from '../test/virtual-clock.js';
import { dispatchAlerts, drainOutbox } from './dispatch.js';
import { outboxDelay } from './outbox.js';
import { createSqliteOutbox } from './sqlite-outbox.js';
import { createSqliteMarkerStore } from './sqlite-marker-store.js';

const TOKEN = 'outbox-secret-token-123456';
let dir: string;
let server: LoopbackServer;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-notify-outbox-'));
  server = await startLoopbackServer();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const noRetry = { attempts: 1, baseMs: 0, maxMs: 0 };

describe('persistent outbox', () => {
  it('a failed delivery survives a restart and is delivered by a later drain', async () => {
    const clock = createVirtualClock();
    const dbFile = path.join(dir, 'notify.db');
    const publisher = createLoopbackPublisher({ url: server.url, token: TOKEN });
    const alerts = makeAlerts(2);

    // Process 1: the provider is down.
    server.respond = () => ({ status: 503 });
    let markers = createSqliteMarkerStore({ path: dbFile, now: clock.now });
    let outbox = createSqliteOutbox({ path: dbFile, now: clock.now });
    const first = await dispatchAlerts(alerts, {
      publishers: [publisher],
      markers,
      outbox,
      now: clock.now,
      retry: noRetry,
    });
    expect(first.failed.map((r) => r.warnings)).toEqual([['queued_in_outbox'], ['queued_in_outbox']]);
    expect(outbox.pendingCount).toBe(2);
    outbox.close();
    await markers.close?.();

    // Process 2: restart, provider back up.
    server.respond = () => ({ status: 200 });
    markers = createSqliteMarkerStore({ path: dbFile, now: clock.now });
    outbox = createSqliteOutbox({ path: dbFile, now: clock.now });
    expect(outbox.list().map((i) => [i.alertKey, i.attempts, i.nextAttemptAt - clock.now()])).toEqual([
      [alerts[0]?.alertKey, 1, 30_000],
      [alerts[1]?.alertKey, 1, 30_000],
    ]);
    const early = await drainOutbox(outbox, { publishers: [publisher], markers, now: clock.now });
    expect(early.sent).toEqual([]);
    clock.advance(30_000);
    const requestsBefore = server.requests.length;
    const drained = await drainOutbox(outbox, { publishers: [publisher], markers, now: clock.now });
    expect(drained.sent.map((r) => r.alertKey)).toEqual(alerts.map((a) => a.alertKey));
    expect(server.requests.length - requestsBefore).toBe(2);
    expect(outbox.pendingCount).toBe(0);
    expect(await markers.has('strategy_plugin_webhook_alerts', alerts[0]?.alertKey as string)).toBe(true);
    // And the next regular run sees the markers.
    const again = await dispatchAlerts(alerts, { publishers: [publisher], markers, outbox, now: clock.now });
    expect(again.skipped.map((r) => r.reason)).toEqual(['duplicate_alert', 'duplicate_alert']);
    outbox.close();
    await markers.close?.();
  });

  it('re-checks the marker store before each attempt and drops alerts sent meanwhile', async () => {
    const clock = createVirtualClock();
    const dbFile = path.join(dir, 'notify.db');
    const markers = createSqliteMarkerStore({ path: dbFile, now: clock.now });
    const outbox = createSqliteOutbox({ path: dbFile, now: clock.now });
    const publisher = createLoopbackPublisher({ url: server.url, token: TOKEN });
    const alerts = makeAlerts(1);
    server.respond = () => ({ status: 500 });
    await dispatchAlerts(alerts, {
      publishers: [publisher],
      markers,
      outbox,
      now: clock.now,
      retry: noRetry,
    });
    // Another host (or a QuantPlatformKit platform sharing the store) delivers it.
    await markers.record('strategy_plugin_webhook_alerts', alerts[0]?.alertKey as string, {
      subject: 'elsewhere',
    });
    clock.advance(30_000);
    const before = server.requests.length;
    const drained = await drainOutbox(outbox, { publishers: [publisher], markers, now: clock.now });
    expect(drained.skipped.map((r) => r.reason)).toEqual(['duplicate_alert']);
    expect(server.requests.length).toBe(before);
    expect(outbox.list()).toEqual([]);
    outbox.close();
  });

  it('backs off 30 s doubling up to 1 h, then dead-letters after 10 attempts and reports it', async () => {
    const clock = createVirtualClock();
    const dbFile = path.join(dir, 'notify.db');
    const markers = createSqliteMarkerStore({ path: dbFile, now: clock.now });
    const outbox = createSqliteOutbox({ path: dbFile, now: clock.now });
    const publisher = createLoopbackPublisher({ url: server.url, token: TOKEN });
    server.respond = () => ({ status: 502 });
    await dispatchAlerts(makeAlerts(1), {
      publishers: [publisher],
      markers,
      outbox,
      now: clock.now,
      retry: noRetry,
    });
    const delays: number[] = [];
    let dead = 0;
    for (let round = 0; round < 20 && outbox.pendingCount > 0; round++) {
      const item = outbox.list('pending')[0];
      if (item === undefined) break;
      delays.push(item.nextAttemptAt - clock.now());
      clock.advance(item.nextAttemptAt - clock.now());
      const result = await drainOutbox(outbox, { publishers: [publisher], markers, now: clock.now });
      dead += result.deadLettered.length;
    }
    expect(delays).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000,
    ]);
    expect(dead).toBe(1);
    const [buried] = outbox.list('dead');
    expect(buried?.attempts).toBe(10);
    expect(buried?.lastError).toContain('HTTP 502');
    expect(buried?.lastError).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(10);
    expect(outboxDelay(12)).toBe(3_600_000);
    outbox.close();
  });

  it('keeps one live item per (channel, alert key) and dead-letters permanent failures at once', async () => {
    const clock = createVirtualClock();
    const dbFile = path.join(dir, 'notify.db');
    const markers = createSqliteMarkerStore({ path: dbFile, now: clock.now });
    const outbox = createSqliteOutbox({ path: dbFile, now: clock.now });
    const publisher = createLoopbackPublisher({ url: server.url, token: TOKEN });
    const alerts = makeAlerts(1);
    server.respond = () => ({ status: 503 });
    await dispatchAlerts(alerts, {
      publishers: [publisher],
      markers,
      outbox,
      now: clock.now,
      retry: noRetry,
    });
    await dispatchAlerts(alerts, {
      publishers: [publisher],
      markers,
      outbox,
      now: clock.now,
      retry: noRetry,
    });
    expect(outbox.list().map((i) => i.attempts)).toEqual([2]);
    server.respond = () => ({ status: 403 });
    clock.advance(3_600_000);
    const drained = await drainOutbox(outbox, { publishers: [publisher], markers, now: clock.now });
    expect(drained.deadLettered.map((r) => r.reason)).toEqual(['dead_lettered']);
    expect(outbox.list('dead')).toHaveLength(1);
    outbox.close();
  });
});
