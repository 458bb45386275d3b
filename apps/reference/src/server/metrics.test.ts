import { mkdtemp, rm } from 'node:fs/promises';
import { generateBars } from '@keel/host';
import { tmpdir } from 'node:os';
import path from 'node:path';
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../test/server-fixture.js';
import { createServer, type KeelServer } from './create-server.js';

const TOKEN = 'metrics-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-metrics-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scrape(server: KeelServer): Promise<Map<string, PromFamily>> {
  const res = await server.inject({ url: '/metrics', headers: auth });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain; version=0.0.4');
  return new Map(parsePrometheusTextFormat(res.body).map((f) => [f.name, f]));
}

/** The value of the one sample of `name` whose labels include `labels`. */
function value(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name);
  if (family === undefined) throw new Error(`no metric ${name}`);
  const sample = family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (sample === undefined) throw new Error(`no ${name} sample with ${JSON.stringify(labels)}`);
  return Number(sample.value ?? sample.count);
}

describe('GET /metrics (parsed with a Prometheus text parser)', () => {
  let server: KeelServer;
  beforeAll(async () => {
    const { loaded, env } = await testConfig(dir, 3);
    server = await createServer({ loaded, env, speed: 0, token: TOKEN });
    await server.ready();
    await server.keel.feed.done;
    await server.keel.signals.run();
    await server.inject({ method: 'POST', url: '/api/rpc/session-stats.last', headers: auth, payload: {} });
    await server.inject({ method: 'POST', url: '/api/rpc/nope.nothing', headers: auth, payload: {} });
  });
  afterAll(async () => {
    await server.close();
  });

  it('needs the token like every API route', async () => {
    expect((await server.inject('/metrics')).statusCode).toBe(401);
  });

  it('exports what the host, the feed, the bus, the API, the alerts and the fan-out counted', async () => {
    const m = await scrape(server);
    const host = server.keel.host;
    for (const p of host.plugins()) {
      expect(value(m, 'keel_plugin_calls_total', { plugin: p.id })).toBe(p.stats.calls);
      expect(value(m, 'keel_plugin_errors_total', { plugin: p.id })).toBe(p.stats.errors);
      expect(value(m, 'keel_plugin_timeouts_total', { plugin: p.id })).toBe(p.stats.timeouts);
      expect(value(m, 'keel_plugin_quarantines_total', { plugin: p.id })).toBe(p.stats.quarantines);
      expect(value(m, 'keel_plugin_state', { plugin: p.id, state: p.state })).toBe(1);
    }
    expect(value(m, 'keel_plugin_calls_total', { plugin: 'atr-burst' })).toBeGreaterThan(200);
    const p99 = value(m, 'keel_plugin_call_duration_seconds', { plugin: 'atr-burst', quantile: '0.99' });
    expect(p99).toBeGreaterThan(0);
    expect(p99).toBeLessThanOrEqual(
      value(m, 'keel_plugin_call_duration_seconds', { plugin: 'atr-burst', quantile: '1' }),
    );

    expect(value(m, 'keel_bars_processed_total')).toBe(234);
    expect(value(m, 'keel_bars_accepted_total')).toBe(234);
    const steps = m.get('keel_step_duration_seconds');
    expect(steps?.type).toBe('HISTOGRAM');
    expect(Number(steps?.metrics[0]?.count)).toBe(234);
    expect(Number(steps?.metrics[0]?.buckets?.['+Inf'] ?? Number.NaN)).toBe(234);

    expect(
      value(m, 'keel_job_runs_total', { plugin: 'session-stats', job: 'session-close', outcome: 'success' }),
    ).toBe(3);
    expect(value(m, 'keel_bus_events_published_total')).toBe(host.bus.stats().published);
    expect(value(m, 'keel_bus_events_published_total')).toBeGreaterThanOrEqual(3);
    expect(value(m, 'keel_bus_events_dropped_total')).toBe(0);
    expect(value(m, 'keel_api_rpc_calls_total', { outcome: 'ok' })).toBe(1);
    expect(value(m, 'keel_api_rpc_calls_total', { outcome: 'RPC_UNKNOWN_METHOD' })).toBe(1);
    expect(value(m, 'keel_alerts', { channel: 'file', outcome: 'sent' })).toBe(1);
    expect(value(m, 'keel_ws_clients')).toBe(0);
    expect(value(m, 'keel_ws_dropped_frames_total')).toBe(server.keel.fanout.stats().dropped);
    expect(value(m, 'keel_ws_broadcasts_total')).toBe(server.keel.fanout.stats().broadcasts);
    // Process metrics from prom-client's default collectors.
    expect(value(m, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(m, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(m.has('nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('declares counters as counters and agrees with the registry’s own JSON view', async () => {
    const m = await scrape(server);
    const json = await server.keel.metrics.registry.getMetricsAsJSON();
    for (const metric of json) {
      const family = m.get(metric.name);
      expect(family, metric.name).toBeDefined();
      expect(family?.type.toLowerCase(), metric.name).toBe(String(metric.type));
    }
    for (const [name, family] of m) {
      if (name.startsWith('keel_') && name.endsWith('_total')) expect(family.type, name).toBe('COUNTER');
    }
  });

  it('keeps one registry per server: a second server counts from zero', async () => {
    const { loaded, env } = await testConfig(dir, 1);
    const other = await createServer({ loaded, env, replay: false, signals: false, token: TOKEN });
    try {
      const m = await scrape(other);
      expect(value(m, 'keel_bars_processed_total')).toBe(0);
      expect(m.get('keel_job_runs_total')?.metrics ?? []).toEqual([]);
      expect(value(await scrape(server), 'keel_bars_processed_total')).toBe(234);
    } finally {
      await other.close();
    }
  });
});

describe('rejected bars by reason', () => {
  it('counts the bars the host rejected, by reason', async () => {
    const { loaded, env } = await testConfig(dir, 1);
    const server = await createServer({ loaded, env, replay: false, signals: false, token: TOKEN });
    try {
      await server.ready();
      const host = server.keel.host;
      const [a, b] = [...generateBars({ count: 2, seed: 5 })];
      await host.step(a!);
      await host.step(a!); // same time again
      await host.step({ ...b!, close: Number.NaN });
      await host.step({ ...b!, high: b!.low - 1 });
      await host.step(b!);
      const m = await scrape(server);
      expect(value(m, 'keel_bars_rejected_total', { reason: 'time_not_increasing' })).toBe(1);
      expect(value(m, 'keel_bars_rejected_total', { reason: 'non_finite' })).toBe(1);
      expect(value(m, 'keel_bars_rejected_total', { reason: 'ohlc_inconsistent' })).toBe(1);
      expect(value(m, 'keel_bars_rejected_total', { reason: 'negative_volume' })).toBe(0);
      expect(host.rejectedBars.total).toBe(3);
    } finally {
      await server.close();
    }
  });
});
