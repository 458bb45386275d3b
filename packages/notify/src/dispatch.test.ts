import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createLoopbackPublisher,
  createMemoryLogger,
  type LoopbackServer,
  makeAlerts,
  startLoopbackServer,
} from '../test/loopback.js';
import { createVirtualClock } from '../test/virtual-clock.js';
import { createFilePublisher } from './file-publisher.js';
import { dispatchAlerts, publishAlerts } from './dispatch.js';
import { createFileMarkerStore } from './file-marker-store.js';
import { createMemoryMarkerStore, type MarkerStore } from './marker-store.js';
import { createSqliteOutbox } from './sqlite-outbox.js';
import { createChannelRateLimits } from './rate-limit.js';
import { createSqliteMarkerStore } from './sqlite-marker-store.js';

const TOKEN = 'tok_9f8e7d6c5b4a3210SECRET';
let dir: string;
let server: LoopbackServer;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-notify-dispatch-'));
  server = await startLoopbackServer();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const noRetry = { attempts: 1, baseMs: 0, maxMs: 0 };

describe('dispatchAlerts — de-duplication', () => {
  it.each([
    ['file', () => createFileMarkerStore({ path: path.join(dir, 'markers') })],
    ['sqlite', () => createSqliteMarkerStore({ path: path.join(dir, 'markers.db') })],
  ])(
    'dispatching the same alerts twice sends once; the second run is all skipped (%s store)',
    async (_n, make) => {
      const markers: MarkerStore = make();
      const publishers = [createLoopbackPublisher({ url: server.url, token: TOKEN })];
      const alerts = makeAlerts(5);
      const first = await dispatchAlerts(alerts, { publishers, markers });
      expect(first.sent.map((r) => r.alertKey)).toEqual(alerts.map((a) => a.alertKey));
      expect(server.requests).toHaveLength(5);
      const second = await dispatchAlerts(alerts, { publishers, markers });
      expect(second.sent).toEqual([]);
      expect(second.skipped.map((r) => r.reason)).toEqual(Array(5).fill('duplicate_alert'));
      expect(server.requests).toHaveLength(5);
      await markers.close?.();
    },
  );

  it('a failed send leaves no marker and is sent on the next run', async () => {
    const markers = createFileMarkerStore({ path: path.join(dir, 'markers') });
    const publishers = [createLoopbackPublisher({ url: server.url, token: TOKEN })];
    const alerts = makeAlerts(3);
    server.respond = (_n, req) =>
      req.body.alert_key === alerts[1]?.alertKey ? { status: 503 } : { status: 200 };
    const first = await dispatchAlerts(alerts, { publishers, markers, retry: noRetry });
    expect(first.sent).toHaveLength(2);
    expect(first.failed).toHaveLength(1);
    expect(first.failed[0]).toMatchObject({
      alertKey: alerts[1]?.alertKey,
      reason: 'send_failed',
      status: 'failed',
    });
    expect(await markers.has('strategy_plugin_webhook_alerts', alerts[1]?.alertKey as string)).toBe(false);

    server.respond = () => ({ status: 200 });
    const second = await dispatchAlerts(alerts, { publishers, markers });
    expect(second.sent.map((r) => r.alertKey)).toEqual([alerts[1]?.alertKey]);
    expect(second.skipped).toHaveLength(2);
    const delivered = server.requests.filter((r) => r.body.alert_key === alerts[1]?.alertKey);
    expect(delivered).toHaveLength(2); // the failed try and the successful one
  });

  it('de-duplicates per channel: each channel has its own markers', async () => {
    const markers = createMemoryMarkerStore();
    const alerts = makeAlerts(2);
    const webhook = createLoopbackPublisher({ url: server.url, token: TOKEN });
    await dispatchAlerts(alerts, { publishers: [webhook], markers });
    const file = createFilePublisher({ path: path.join(dir, 'alerts.jsonl') });
    const result = await dispatchAlerts(alerts, { publishers: [webhook, file], markers });
    expect(result.channels).toEqual({
      webhook: { attempted: 2, sent: 0, skipped: 2, failed: 0 },
      file: { attempted: 2, sent: 2, skipped: 0, failed: 0 },
    });
  });

  it('with a marker TTL, an expired marker lets the alert go out again', async () => {
    const clock = createVirtualClock();
    const markers = createMemoryMarkerStore({ now: clock.now });
    const publishers = [createLoopbackPublisher({ url: server.url, token: TOKEN })];
    const alerts = makeAlerts(1);
    await dispatchAlerts(alerts, { publishers, markers, now: clock.now, markerTtlMs: 3_600_000 });
    clock.advance(3_599_000);
    expect(
      (await dispatchAlerts(alerts, { publishers, markers, now: clock.now, markerTtlMs: 3_600_000 })).skipped,
    ).toHaveLength(1);
    clock.advance(1_000);
    expect(
      (await dispatchAlerts(alerts, { publishers, markers, now: clock.now, markerTtlMs: 3_600_000 })).sent,
    ).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });
});

describe('dispatchAlerts — per-message algorithm (§19.2)', () => {
  it('incomplete configuration skips every message with missing_<channel>_config and touches no marker', async () => {
    const markers = createSqliteMarkerStore({ path: path.join(dir, 'm.db') });
    const publisher = createLoopbackPublisher({
      url: server.url,
      token: TOKEN,
      channel: 'telegram',
      missing: ['bot_token', 'chat_id'],
    });
    const alerts = makeAlerts(2);
    const result = await dispatchAlerts(alerts, { publishers: [publisher], markers });
    expect(result.skipped.map((r) => [r.reason, r.error])).toEqual([
      ['missing_telegram_config', 'bot_token,chat_id'],
      ['missing_telegram_config', 'bot_token,chat_id'],
    ]);
    expect(server.requests).toHaveLength(0);
    expect(await markers.has('strategy_plugin_telegram_alerts', alerts[0]?.alertKey as string)).toBe(false);
  });

  it('a failing marker check counts as absent (warning) and a failing marker write still reports sent (warning)', async () => {
    const inner = createMemoryMarkerStore();
    const markers: MarkerStore = {
      has: async () => {
        throw new Error(`redis down: redis://user:${TOKEN}@cache:6379`);
      },
      record: async () => {
        throw new Error(`disk full writing token=${TOKEN}`);
      },
    };
    const result = await dispatchAlerts(makeAlerts(1), {
      publishers: [createLoopbackPublisher({ url: server.url, token: TOKEN })],
      markers,
    });
    expect(inner.size).toBe(0);
    expect(result.sent).toHaveLength(1);
    const warnings = result.sent[0]?.warnings ?? [];
    expect(warnings[0]).toMatch(/^marker_check_failed: Error: redis down: redis:\/\/<redacted>@cache:6379$/);
    expect(warnings[1]).toBe('marker_record_failed: Error: disk full writing token=<redacted>');
    const report = result.toReportFields();
    const delivery = (report.strategy_plugin_alert_webhook_deliveries as Array<Record<string, unknown>>)[0];
    expect(delivery?.error).toBe(warnings.join('; '));
  });

  it('writes the marker metadata as { subject, ...metadata } only after success', async () => {
    const markers = createFileMarkerStore({ path: path.join(dir, 'm') });
    const alerts = makeAlerts(1);
    await dispatchAlerts(alerts, {
      publishers: [createLoopbackPublisher({ url: server.url, token: TOKEN })],
      markers,
    });
    const alert = alerts[0] as (typeof alerts)[number];
    const file = path.join(dir, 'm', 'strategy_plugin_webhook_alerts', `${alert.alertKey}.json`);
    const doc = JSON.parse(await readFile(file, 'utf8'));
    expect(doc.alert_key).toBe(alert.alertKey);
    expect(doc.schema_version).toBe('strategy_plugin_webhook_alert_marker.v1');
    expect(doc.metadata).toEqual({ subject: alert.subject, ...alert.metadata });
  });

  it('prefixes subjects with the platform context once', async () => {
    const file = path.join(dir, 'out.jsonl');
    const alerts = makeAlerts(2);
    const first = alerts[0] as (typeof alerts)[number];
    alerts[0] = { ...first, subject: `[ibkr / paper / tqqq] ${first.subject}` };
    await dispatchAlerts(alerts, {
      publishers: [createFilePublisher({ path: file })],
      markers: createMemoryMarkerStore(),
      context: { platform: 'ibkr', account: 'paper', service: 'ignored', strategy: 'tqqq' },
    });
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.subject)).toEqual([
      `[ibkr / paper / tqqq] ${first.subject}`,
      `[ibkr / paper / tqqq] ${alerts[1]?.subject}`,
    ]);
  });

  it('retries retryable failures with back-off and honours Retry-After', async () => {
    const clock = createVirtualClock();
    server.respond = (n) =>
      n === 0
        ? { status: 429, headers: { 'retry-after': '3' } }
        : n === 1
          ? { status: 502 }
          : { status: 200 };
    const result = await dispatchAlerts(makeAlerts(1), {
      publishers: [createLoopbackPublisher({ url: server.url, token: TOKEN, throwOnFailure: true })],
      markers: createMemoryMarkerStore(),
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0,
      retry: { attempts: 3, baseMs: 1000, maxMs: 10_000 },
    });
    expect(result.sent).toHaveLength(1);
    expect(server.requests).toHaveLength(3);
    expect(clock.slept).toEqual([3000, 1000]);
  });

  it('a non-retryable failure is not retried', async () => {
    server.respond = () => ({ status: 401 });
    const result = await dispatchAlerts(makeAlerts(1), {
      publishers: [createLoopbackPublisher({ url: server.url, token: TOKEN })],
      markers: createMemoryMarkerStore(),
      retry: { attempts: 5, baseMs: 1, maxMs: 1 },
    });
    expect(result.failed).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
  });

  it('a send that exceeds the timeout fails with TIMEOUT and writes no marker', async () => {
    const markers = createMemoryMarkerStore();
    const slow = {
      channel: 'console',
      secrets: [],
      missingConfig: () => [],
      send: (_m: unknown, ctx: { signal: AbortSignal }) =>
        new Promise<never>((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
        ),
    };
    const result = await dispatchAlerts(makeAlerts(1), {
      publishers: [slow],
      markers,
      sendTimeoutMs: 20,
      retry: noRetry,
    });
    expect(result.failed[0]?.error).toBe('DeliveryError: console send timed out after 20 ms');
    expect(markers.size).toBe(0);
  });
});

describe('secrets never appear in diagnostics, logs or errors', () => {
  it('redacts tokens from failure records, report fields, warnings and log events', async () => {
    server.respond = () => ({ status: 500 });
    const log = createMemoryLogger();
    const alerts = makeAlerts(2, 'strategy_plugin_alert', { note: `leaked ${TOKEN} here` });
    const outbox = createSqliteOutbox({ path: path.join(dir, 'outbox.db') });
    const thrower = createLoopbackPublisher({
      url: server.url,
      token: TOKEN,
      channel: 'telegram',
      throwOnFailure: true,
    });
    const reporter = createLoopbackPublisher({ url: server.url, token: TOKEN });
    const result = await dispatchAlerts(alerts, {
      publishers: [thrower, reporter],
      markers: createMemoryMarkerStore(),
      log,
      outbox,
      retry: { attempts: 2, baseMs: 0, maxMs: 0 },
    });
    expect(result.failed).toHaveLength(4);
    expect(result.failed[0]?.error).toMatch(
      /^DeliveryError: HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/hook\?token=<redacted> \(token <redacted>\)$/,
    );
    const everything = JSON.stringify({
      records: [...result.sent, ...result.skipped, ...result.failed],
      report: result.toReportFields(),
      logs: log.entries,
      outbox: outbox.list().map((i) => i.lastError),
    });
    expect(everything).not.toContain(TOKEN);
    expect(everything).toContain('<redacted>');
    outbox.close();
  });
});

describe('publishAlerts', () => {
  it('builds messages per channel namespace, runs channels in the fixed order, reports and logs', async () => {
    const log = createMemoryLogger();
    const built: string[] = [];
    const file = path.join(dir, 'alerts.jsonl');
    const result = await publishAlerts({
      publishers: [
        createFilePublisher({ path: file }),
        createLoopbackPublisher({ url: server.url, token: TOKEN, channel: 'telegram' }),
        createLoopbackPublisher({ url: server.url, token: TOKEN, channel: 'webhook' }),
      ],
      markers: createMemoryMarkerStore(),
      log,
      buildMessages: (namespace, channel) => {
        built.push(`${channel}:${namespace}`);
        return makeAlerts(1, namespace);
      },
    });
    expect(built).toEqual([
      'email:strategy_plugin_email_alert',
      'sms:strategy_plugin_sms_alert',
      'push:strategy_plugin_push_alert',
      'telegram:strategy_plugin_telegram_alert',
      'webhook:strategy_plugin_webhook_alert',
      'file:strategy_plugin_file_alert',
    ]);
    expect(Object.keys(result.channels)).toEqual(['email', 'sms', 'push', 'telegram', 'webhook', 'file']);
    expect(result.channels.email).toEqual({ attempted: 1, sent: 0, skipped: 1, failed: 0 });
    expect(result.skipped[0]).toMatchObject({ reason: 'missing_email_config', error: 'publisher' });
    expect(result.sent.map((r) => r.channel)).toEqual(['telegram', 'webhook', 'file']);
    expect(result.sent[0]?.alertKey.startsWith('strategy_plugin_telegram_alert/')).toBe(true);

    const fields = result.toReportFields();
    expect(fields.strategy_plugin_alert_telegram_sent_count).toBe(1);
    expect(fields.strategy_plugin_alert_email_skipped_count).toBe(1);
    expect(fields.strategy_plugin_alert_email_failed_count).toBe(0);
    const delivery = (fields.strategy_plugin_alert_telegram_deliveries as Array<Record<string, unknown>>)[0];
    expect(Object.keys(delivery ?? {})).toEqual([
      'alert_key',
      'subject',
      'status',
      'provider',
      'target_type',
      'target',
      'plugin',
      'as_of',
    ]);
    expect(delivery).toMatchObject({ status: 'sent', provider: 'telegram:loopback' });

    const events = log.entries.filter((e) => e.message === 'alerts.publish.result');
    expect(events.map((e) => e.fields)).toEqual([
      { channel: 'email', attempted: 1, sent: 0, skipped: 1, failed: 0 },
      { channel: 'sms', attempted: 1, sent: 0, skipped: 1, failed: 0 },
      { channel: 'push', attempted: 1, sent: 0, skipped: 1, failed: 0 },
      { channel: 'telegram', attempted: 1, sent: 1, skipped: 0, failed: 0 },
      { channel: 'webhook', attempted: 1, sent: 1, skipped: 0, failed: 0 },
      { channel: 'file', attempted: 1, sent: 1, skipped: 0, failed: 0 },
    ]);
  });

  it('honours an explicit channel selection and rejects unknown channels', async () => {
    const common = {
      publishers: [createFilePublisher({ path: path.join(dir, 'a.jsonl') })],
      markers: createMemoryMarkerStore(),
      buildMessages: (ns: string) => makeAlerts(1, ns),
    };
    const result = await publishAlerts({ ...common, channels: 'file; sms' });
    expect(Object.keys(result.channels)).toEqual(['sms', 'file']);
    await expect(publishAlerts({ ...common, channels: ['email', 'carrier-pigeon'] })).rejects.toMatchObject({
      code: 'UNSUPPORTED_CHANNEL',
    });
  });
});

describe('rate limits', () => {
  it('skip mode: over-limit messages are skipped as rate_limited, get no marker and are queued in the outbox', async () => {
    const clock = createVirtualClock();
    const markers = createMemoryMarkerStore({ now: clock.now });
    const outbox = createSqliteOutbox({ path: path.join(dir, 'outbox.db'), now: clock.now });
    const result = await dispatchAlerts(makeAlerts(5), {
      publishers: [createLoopbackPublisher({ url: server.url, token: TOKEN, channel: 'telegram' })],
      markers,
      outbox,
      now: clock.now,
      rateLimits: { telegram: { perMinute: 2 } },
    });
    expect(result.sent).toHaveLength(2);
    expect(result.skipped.map((r) => r.reason)).toEqual(['rate_limited', 'rate_limited', 'rate_limited']);
    expect(result.skipped[0]?.warnings).toEqual(['queued_in_outbox']);
    expect(markers.size).toBe(2);
    expect(outbox.list().map((i) => [i.reason, i.attempts])).toEqual([
      ['rate_limited', 0],
      ['rate_limited', 0],
      ['rate_limited', 0],
    ]);
    outbox.close();
  });

  it('wait mode: 100 alerts to one Telegram chat are paced to the configured rate', async () => {
    const clock = createVirtualClock();
    const sentAt: number[] = [];
    server.respond = () => {
      sentAt.push(clock.now());
      return { status: 200 };
    };
    const limits = createChannelRateLimits(
      { telegram: { perMinute: 20 } },
      { now: clock.now, sleep: clock.sleep },
    );
    const start = clock.now();
    const result = await dispatchAlerts(makeAlerts(100), {
      publishers: [createLoopbackPublisher({ url: server.url, token: TOKEN, channel: 'telegram' })],
      markers: createMemoryMarkerStore(),
      now: clock.now,
      rateLimits: limits,
      rateLimitMode: 'wait',
    });
    expect(result.sent).toHaveLength(100);
    // A burst of 20, then one every 3 s: the 100th goes out 80 × 3 s after the start.
    expect((sentAt[19] as number) - start).toBe(0);
    expect((sentAt[20] as number) - start).toBe(3000);
    expect((sentAt[99] as number) - start).toBe(240_000);
    // After the burst, sends are evenly spaced at the sustained rate (60 s / 20).
    for (let i = 21; i < sentAt.length; i++)
      expect((sentAt[i] as number) - (sentAt[i - 1] as number)).toBe(3000);
  });

  it('burst: 1 paces evenly from the first message (no more than perMinute in any minute)', async () => {
    const clock = createVirtualClock();
    const limits = createChannelRateLimits(
      { telegram: { perMinute: 20, burst: 1 } },
      { now: clock.now, sleep: clock.sleep },
    );
    const sentAt: number[] = [];
    server.respond = () => {
      sentAt.push(clock.now());
      return { status: 200 };
    };
    await dispatchAlerts(makeAlerts(41), {
      publishers: [createLoopbackPublisher({ url: server.url, token: TOKEN, channel: 'telegram' })],
      markers: createMemoryMarkerStore(),
      now: clock.now,
      rateLimits: limits,
      rateLimitMode: 'wait',
    });
    for (let i = 0; i + 20 < sentAt.length; i++) {
      expect((sentAt[i + 20] as number) - (sentAt[i] as number)).toBeGreaterThanOrEqual(60_000);
    }
  });
});
