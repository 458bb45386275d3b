import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BusEvent, definePlugin, type KeelPlugin, type PluginResult } from '@keel/contract';
import { createHost, createLogger, generateBars, type Host } from '@keel/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testConfig } from '../../test/server-fixture.js';
import { createServer, type KeelServer } from './create-server.js';
import type { ServerMessage } from './messages.js';

const TOKEN = 'control-token-0123456789';
let dir: string;
let host: Host;
let server: KeelServer;
let bars = 0;
let jobRuns = 0;
const seen: BusEvent[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-control-'));
  host = createHost({ cache: { memory: true }, services: { logger: createLogger({ level: 'error' }) } });
  const { errors } = await host.load([
    definePlugin({
      id: 'probe',
      name: 'Probe',
      version: '1.0.0',
      category: 'diag',
      warmup: 0,
      window: 2,
      onBar: () => {
        bars++;
        return { active: false, score: 0, status: 'ok' };
      },
      setup(ctx) {
        ctx.bus.on('ops.*', (event) => void seen.push(event));
      },
      schedule: [
        {
          name: 'report',
          when: '@close',
          run: (): PluginResult => ({ success: true, data: { run: ++jobRuns } }),
        },
        {
          name: 'broken',
          when: '@close',
          run: (): PluginResult => ({ success: false, error: 'upstream unavailable' }),
        },
      ],
    } as KeelPlugin),
  ]);
  expect(errors).toEqual([]);
  const { loaded, env } = await testConfig(dir, 1);
  server = await createServer({ loaded, env, host, replay: false, signals: false, token: TOKEN });
  await server.ready();
});
afterAll(async () => {
  await server.close();
  await host.dispose();
  await rm(dir, { recursive: true, force: true });
});

function post(url: string, body: unknown = {}, headers: Record<string, string> = {}) {
  return server.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });
}

describe('POST /api/plugins/:id/enable|disable', () => {
  it('turns a plugin off and on: no calls while disabled, state in the answer and in /api/plugins', async () => {
    const off = await post('/api/plugins/probe/disable');
    expect(off.statusCode).toBe(200);
    expect(off.json().plugin).toMatchObject({ id: 'probe', state: 'disabled' });
    const before = bars;
    const [a, b, c] = [...generateBars({ count: 3, seed: 3 })];
    await host.step(a!);
    expect(bars).toBe(before);
    const listed = await server.inject({
      url: '/api/plugins',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(listed.json().plugins[0]).toMatchObject({ id: 'probe', state: 'disabled' });
    const on = await post('/api/plugins/probe/enable');
    expect(on.json().plugin.state).not.toBe('disabled');
    await host.step(b!);
    await host.step(c!);
    expect(bars).toBe(before + 2);
  });

  it('404 for a plugin that is not loaded, 400 for a bad id, action or body', async () => {
    const missing = await post('/api/plugins/nope/disable');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'PLUGIN_NOT_FOUND', field: 'id' });
    expect((await post('/api/plugins/Bad_Id/disable')).json()).toMatchObject({ field: 'params.id' });
    expect((await post('/api/plugins/probe/delete')).json()).toMatchObject({ field: 'params.action' });
    expect((await post('/api/plugins/probe/disable', { force: true })).json()).toMatchObject({
      code: 'INVALID_REQUEST',
      field: 'body',
    });
  });
});

describe('POST /api/jobs/:plugin/:job/run', () => {
  it('runs the job now and answers with its record, which the run log holds too', async () => {
    const res = await post('/api/jobs/probe/report/run');
    expect(res.statusCode).toBe(200);
    const { run } = res.json();
    expect(run).toMatchObject({
      plugin: 'probe',
      job: 'report',
      success: true,
      manual: true,
      data: { run: jobRuns },
    });
    const log = await server.inject({
      url: '/api/runs?plugin=probe&job=report&limit=1',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(log.json().runs).toEqual([run]);
  });

  it('a failed run is a 200 with success false; unknown jobs are 404', async () => {
    const failed = (await post('/api/jobs/probe/broken/run')).json();
    expect(failed.run).toMatchObject({ success: false, error: 'upstream unavailable' });
    const unknown = await post('/api/jobs/probe/nothing/run');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('SCHEDULER_UNKNOWN_JOB');
    expect((await post('/api/jobs/probe/bad name/run')).statusCode).toBe(400);
  });
});

describe('POST /api/events', () => {
  it('publishes on the bus as source api: subscribers, the event log and /ws get it', async () => {
    const wsBase = (await server.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws');
    const socket = new WebSocket(`${wsBase}/ws`, ['keel', `keel.token.${TOKEN}`]);
    const messages: ServerMessage[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
    await new Promise<void>((resolve) => socket.once('message', () => resolve()));
    try {
      const res = await post('/api/events', { type: 'ops.note', data: { text: 'maintenance at 17:00' } });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({ published: { type: 'ops.note', source: 'api' } });
      await host.idle();
      expect(seen.at(-1)).toMatchObject({
        type: 'ops.note',
        source: 'api',
        data: { text: 'maintenance at 17:00' },
      });
      const events = await server.inject({
        url: '/api/events?type=ops.note',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(events.json().events.at(-1)).toMatchObject({ type: 'ops.note', source: 'api' });
      const end = Date.now() + 20_000;
      while (!messages.some((m) => m.type === 'event' && m.event.type === 'ops.note') && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(messages.some((m) => m.type === 'event' && m.event.type === 'ops.note')).toBe(true);
    } finally {
      socket.terminate();
    }
  });

  it('validates the body: type pattern, JSON data, no extra keys', async () => {
    for (const [body, field] of [
      [{}, 'body.type'],
      [{ type: 'has space' }, 'body.type'],
      [{ type: 'ops.x', data: 1, extra: true }, 'body'],
    ] as const) {
      const res = await post('/api/events', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json(), JSON.stringify(body)).toMatchObject({ code: 'INVALID_REQUEST', field });
    }
  });
});

describe('control routes sit behind the guards', () => {
  const routes = ['/api/plugins/probe/disable', '/api/jobs/probe/report/run', '/api/events'];
  it('401 without the token, 415 for a non-JSON body, 403 from a foreign origin — and nothing happens', async () => {
    const runs = jobRuns;
    for (const url of routes) {
      const body = url === '/api/events' ? { type: 'ops.blocked' } : {};
      expect((await post(url, body, { authorization: '' })).statusCode, url).toBe(401);
      expect((await post(url, body, { 'content-type': 'text/plain' })).statusCode, url).toBe(415);
      expect((await post(url, body, { origin: 'https://attacker.example' })).statusCode, url).toBe(403);
    }
    expect(jobRuns).toBe(runs);
    expect(host.plugins()[0]?.state).not.toBe('disabled');
    expect(seen.some((e) => e.type === 'ops.blocked')).toBe(false);
  });
});
