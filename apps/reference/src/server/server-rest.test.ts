import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { definePlugin } from '@keel/contract';
import { createHost, createLogger, type Host } from '@keel/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DefaultPlugin, defaultPlugins } from '../../test/default-plugins.js';
import { testConfig } from '../../test/server-fixture.js';
import { createServer, type KeelServer } from './create-server.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-server-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('REST API over the configured host (inject)', () => {
  let server: KeelServer;
  // The default config's plugins, in the host's run order (layer, then config order).
  let expected: DefaultPlugin[];
  // The same plugins in config order, the order the host loads and lists them.
  let configOrder: DefaultPlugin[];
  beforeAll(async () => {
    expected = await defaultPlugins();
    configOrder = [...expected].sort((a, b) => a.index - b.index);
    const { loaded, env } = await testConfig(dir, 3);
    server = await createServer({ loaded, env, speed: 0 });
    await server.ready();
    await server.keel.feed.done;
    await server.keel.signals.run();
  });
  afterAll(async () => {
    await server.close();
  });

  it('reports health with the finished replay', async () => {
    const res = await server.inject('/api/health');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ ok: true, symbol: 'SAMPLE', plugins: expected.length, loadErrors: 0 });
    expect(body.feed).toMatchObject({ state: 'done', total: 234, accepted: 234, speed: 0 });
  });

  it('lists plugins and load errors', async () => {
    const body = (await server.inject('/api/plugins')).json();
    expect(
      body.plugins.map((p: { id: string; layer: string; state: string }) => [p.id, p.layer, p.state]),
    ).toEqual(configOrder.map((p) => [p.id, p.layer, 'ready']));
    expect(body.loadErrors).toEqual([]);
  });

  it('serves the run log newest first, and the next runs', async () => {
    const { runs } = (await server.inject('/api/runs?limit=2')).json();
    expect(runs).toHaveLength(2);
    expect(runs[0].scheduledAt).toBeGreaterThan(runs[1].scheduledAt);
    expect(runs[0]).toMatchObject({ plugin: 'session-stats', job: 'session-close', success: true });
    const all = (await server.inject('/api/runs')).json().runs;
    expect(all).toHaveLength(3);
    const { nextRuns } = (await server.inject('/api/next-runs')).json();
    expect(nextRuns[0]).toMatchObject({ plugin: 'session-stats', when: '@close' });
  });

  it('evaluates panels, with typed 404s for unknown ids and plugins without a panel', async () => {
    const ok = await server.inject('/api/panels/session-stats');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id: 'session-stats', stats: { sessions: 3 } });
    const all = (await server.inject('/api/panels')).json();
    const withPanel = configOrder.filter((p) => p.hasPanel).map((p) => p.id);
    expect(withPanel).toContain('session-stats');
    expect(all.panels.map((p: { id: string }) => p.id)).toEqual(withPanel);
    const unknown = await server.inject('/api/panels/no-such-plugin');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({
      code: 'PANEL_NOT_FOUND',
      message: 'no plugin with id "no-such-plugin" is loaded',
      field: 'id',
    });
    const withoutPanel = configOrder.filter((p) => !p.hasPanel);
    expect(withoutPanel.length).toBeGreaterThan(0);
    for (const { id } of withoutPanel) {
      const res = await server.inject(`/api/panels/${id}`);
      expect(res.statusCode, id).toBe(404);
      expect(res.json().code, id).toBe('PANEL_NOT_FOUND');
    }
    const bad = await server.inject('/api/panels/Not_An_Id');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'INVALID_REQUEST', field: 'params.id' });
  });

  it('returns a bounded window of step summaries and validates the query', async () => {
    const { steps } = (await server.inject('/api/steps?limit=5')).json();
    expect(steps.map((s: { index: number }) => s.index)).toEqual([229, 230, 231, 232, 233]);
    expect(Object.keys(steps[0]).sort()).toEqual(
      ['close', 'high', 'index', 'low', 'open', 'sensors', 'time', 'volume'].sort(),
    );
    // One reading per plugin, in run order: by layer, then config order within a layer.
    expect(steps[0].sensors.map((r: { plugin: string; layer: string }) => [r.plugin, r.layer])).toEqual(
      expected.map((p) => [p.id, p.layer]),
    );
    for (const [query, field] of [
      ['limit=0', 'query.limit'],
      ['limit=abc', 'query.limit'],
      ['limit=100000', 'query.limit'],
      ['nope=1', 'query'],
    ] as const) {
      const res = await server.inject(`/api/steps?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json(), query).toMatchObject({ code: 'INVALID_REQUEST', field });
    }
  });

  it('keeps recent bus events, filterable by type', async () => {
    const { events } = (await server.inject('/api/events?type=session.closed')).json();
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ type: 'session.closed', source: 'session-stats' });
    expect(events[0].data).toHaveProperty('activeBars');
  });

  it('serves the signals: report, lines per locale and alert diagnostics', async () => {
    const body = (await server.inject('/api/signals')).json();
    expect(body.status).toBe('ready');
    expect(body.locales).toEqual(['en-US', 'zh-CN']);
    expect(body.report.strategy_plugins.map((p: { plugin: string }) => p.plugin)).toEqual([
      'market_regime_control',
      'crisis_response_shadow',
    ]);
    expect(body.lines['en-US']).toHaveLength(2);
    expect(body.lines['zh-CN'].join('\n')).toContain('需要通知');
    expect(body.alerts.channels.file).toMatchObject({ sent: 1, failed: 0 });
    expect(body.alerts.deliveries[0]).toMatchObject({ channel: 'file', status: 'sent' });
    const written = (await readFile(path.join(dir, 'alerts.jsonl'), 'utf8')).trim().split('\n');
    expect(written).toHaveLength(1);
  });

  it('de-duplicates alerts across server starts like the CLI', async () => {
    const { loaded, env } = await testConfig(dir, 1);
    const again = await createServer({ loaded, env, replay: false });
    try {
      await again.ready();
      const snapshot = await again.keel.signals.run();
      expect(snapshot.alerts?.deliveries.map((d) => d.reason)).toEqual(['duplicate_alert']);
    } finally {
      await again.close();
    }
  });

  it('calls RPC methods and rejects bad bodies, foreign hosts and non-JSON posts', async () => {
    const ok = await server.inject({ method: 'POST', url: '/api/rpc/session-stats.last', payload: {} });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().result).toMatchObject({ bars: 78 });
    const unknown = await server.inject({ method: 'POST', url: '/api/rpc/nope.nothing', payload: {} });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'RPC_UNKNOWN_METHOD' });
    const extra = await server.inject({
      method: 'POST',
      url: '/api/rpc/session-stats.last',
      payload: { payload: 1, secret: 'x' },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ code: 'INVALID_REQUEST', field: 'body' });
    const timeout = await server.inject({
      method: 'POST',
      url: '/api/rpc/session-stats.last',
      payload: { timeoutMs: 0 },
    });
    expect(timeout.json()).toMatchObject({ code: 'INVALID_REQUEST', field: 'body.timeoutMs' });
    const text = await server.inject({
      method: 'POST',
      url: '/api/rpc/session-stats.last',
      headers: { 'content-type': 'text/plain' },
      payload: '{}',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const broken = await server.inject({
      method: 'POST',
      url: '/api/rpc/session-stats.last',
      headers: { 'content-type': 'application/json' },
      payload: '{"payload":',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().code).toBe('INVALID_REQUEST');
    const foreign = await server.inject({ url: '/api/health', headers: { host: 'attacker.example:8080' } });
    expect(foreign.statusCode).toBe(421);
    expect(foreign.json().code).toBe('HOST_NOT_ALLOWED');
    const missing = await server.inject('/api/nothing');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: 'NOT_FOUND', message: 'no route GET /api/nothing' });
  });
});

describe('RPC errors map to HTTP statuses (a host given by the caller)', () => {
  let host: Host;
  let server: KeelServer;
  beforeAll(async () => {
    host = createHost({ cache: { memory: true }, services: { logger: createLogger({ level: 'warn' }) } });
    const { errors } = await host.load([
      definePlugin({
        id: 'rpc-probe',
        name: 'RPC probe',
        version: '1.0.0',
        category: 'diag',
        setup(ctx) {
          ctx.rpc.register('probe.echo', (payload) => ({ echo: payload ?? null }));
          ctx.rpc.register(
            'probe.slow',
            (_payload, { signal }) =>
              new Promise((resolve) => signal.addEventListener('abort', () => resolve(null))),
          );
          ctx.rpc.register('probe.fail', () => {
            throw new Error('handler exploded');
          });
        },
      }),
    ]);
    expect(errors).toEqual([]);
    const { loaded, env } = await testConfig(dir, 1);
    server = await createServer({ loaded, env, host, replay: false, signals: false });
  });
  afterAll(async () => {
    await server.close();
    await host.dispose();
  });

  it('200 with the result, 504 on timeout, 502 when the handler fails', async () => {
    const post = (name: string, payload: unknown) =>
      server.inject({ method: 'POST', url: `/api/rpc/${name}`, payload: payload as object });
    const echo = await post('probe.echo', { payload: { a: [1, 'two'] } });
    expect(echo.json()).toEqual({ result: { echo: { a: [1, 'two'] } } });
    const slow = await post('probe.slow', { timeoutMs: 50 });
    expect(slow.statusCode).toBe(504);
    expect(slow.json()).toMatchObject({ code: 'RPC_TIMEOUT' });
    const fail = await post('probe.fail', {});
    expect(fail.statusCode).toBe(502);
    expect(fail.json()).toMatchObject({ code: 'RPC_HANDLER_FAILED' });
    expect(JSON.stringify(fail.json())).not.toContain('stack');
  });

  it('leaves a caller-owned host alive after close', async () => {
    const other = await createServer({ loaded: server.keel.loaded, host, replay: false, signals: false });
    await other.ready();
    await other.close();
    await expect(host.rpc.call('probe.echo', 1)).resolves.toEqual({ echo: 1 });
  });
});

describe('a real listener on 127.0.0.1:0', () => {
  let server: KeelServer;
  let base: string;
  beforeAll(async () => {
    const { loaded, env } = await testConfig(dir, 1);
    server = await createServer({ loaded, env, speed: 0, signals: false });
    base = await server.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves the API and the dashboard files with a strict content policy', async () => {
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { ok: boolean }).ok).toBe(true);
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/app.js">');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await fetch(`${base}/app.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    const css = await fetch(`${base}/styles.css`);
    expect(css.status).toBe(200);
    const rpc = await fetch(`${base}/api/rpc/session-stats.last`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(rpc.status).toBe(200);
  });
});
