import type { AlertMessage } from '@keel/notify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closedPort,
  type LoopbackServer,
  startLoopbackServer,
  testContext,
} from '../../../test-support/loopback-http-server.ts';
import { pushOptionsFromEnv } from './options.js';
import { createPushPublisher } from './push-publisher.js';

const TOKEN = 'tk_ntfyaccesstoken0123456789';
const message: AlertMessage = {
  alertKey: 'strategy_plugin_push_alert/k',
  subject: '策略插件提醒：风险关闭',
  body: '降低杠杆\nreview SOXL',
  locale: 'zh-CN',
  metadata: {},
};

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function virtualClock(): { sleeps: number[]; sleep: (ms: number) => Promise<void>; now: () => number } {
  const sleeps: number[] = [];
  let t = 1_000_000;
  return {
    sleeps,
    now: () => t,
    sleep: (ms) => {
      sleeps.push(ms);
      t += ms;
      return new Promise((resolve) => setImmediate(resolve));
    },
  };
}

const retry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 60_000 };

describe('createPushPublisher against a loopback ntfy server', () => {
  it('publishes JSON with topic, UTF-8 title, message, priority and tags, with Bearer auth', async () => {
    server = await startLoopbackServer(() => ({ status: 200, body: '{"id":"x","event":"message"}' }));
    const publisher = createPushPublisher({
      baseUrl: server.url,
      topic: 'keel-alerts',
      token: TOKEN,
      priority: 'high',
      tags: ['warning', 'chart_with_downwards_trend'],
      retry,
    });
    expect(await publisher.send(message, testContext())).toEqual([
      { ok: true, provider: 'push:keel-alerts' },
    ]);
    const [req] = server.requests;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/');
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(req?.body ?? '')).toEqual({
      topic: 'keel-alerts',
      title: message.subject,
      message: message.body,
      priority: 4,
      tags: ['warning', 'chart_with_downwards_trend'],
    });
  });

  it('uses Basic auth with user/password, the subject as text for an empty body, and truncates', async () => {
    server = await startLoopbackServer(() => ({ status: 200 }));
    const publisher = createPushPublisher({
      baseUrl: `${server.url}/`,
      topic: 't',
      user: 'ops',
      password: 'pw-0123456789',
      retry,
    });
    await publisher.send({ ...message, body: '  ' }, testContext());
    await publisher.send({ ...message, body: 'x'.repeat(2000) }, testContext());
    const [a, b] = server.requests;
    expect(a?.headers.authorization).toBe(`Basic ${Buffer.from('ops:pw-0123456789').toString('base64')}`);
    expect(JSON.parse(a?.body ?? '')).toMatchObject({ message: message.subject, priority: 3 });
    const text = (JSON.parse(b?.body ?? '') as { message: string }).message;
    expect(text).toBe(`${'x'.repeat(1797)}...`);
  });

  it('retries 429 with Retry-After and 5xx; fails fast on 4xx', async () => {
    server = await startLoopbackServer((_req, i) =>
      i === 0
        ? { status: 429, headers: { 'retry-after': '4' }, body: '{"code":42901}' }
        : i === 1
          ? { status: 500 }
          : { status: 200 },
    );
    const clock = virtualClock();
    const publisher = createPushPublisher({ baseUrl: server.url, topic: 't', retry }, clock);
    expect(await publisher.send(message, testContext())).toEqual([{ ok: true, provider: 'push:t' }]);
    expect(server.requests).toHaveLength(3);
    expect(clock.sleeps.some((ms) => ms >= 4000)).toBe(true);

    server.handler = () => ({ status: 403, body: '{"code":40301,"error":"forbidden"}' });
    const [denied] = await publisher.send(message, testContext());
    expect(denied).toMatchObject({ ok: false, retryable: false });
    expect(server.requests).toHaveLength(4);
  });

  it('never leaks the token or password', async () => {
    server = await startLoopbackServer((req) => ({
      status: 401,
      body: `bad ${req.headers.authorization} ${TOKEN}`,
    }));
    const ctx = testContext();
    const [a] = await createPushPublisher({ baseUrl: server.url, topic: 't', token: TOKEN, retry }).send(
      message,
      ctx,
    );
    server.handler = () => ({ status: 502, body: 'password=pw-0123456789 pw-0123456789' });
    const [b] = await createPushPublisher(
      { baseUrl: server.url, topic: 't', user: 'u', password: 'pw-0123456789', retry },
      virtualClock(),
    ).send(message, ctx);
    const port = await closedPort();
    const [c] = await createPushPublisher(
      { baseUrl: `http://127.0.0.1:${port}`, topic: 't', token: TOKEN, retry },
      virtualClock(),
    ).send(message, ctx);
    expect(ctx.lines.length).toBeGreaterThan(0);
    for (const text of [a?.error, b?.error, c?.error, ...ctx.lines.map((l) => JSON.stringify(l))]) {
      expect(text).toBeDefined();
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('pw-0123456789');
    }
    expect(a?.error).toContain('bad');
  });

  it('reports missing settings and reads env-friendly settings', () => {
    expect(createPushPublisher().missingConfig()).toEqual(['topic']);
    expect(createPushPublisher({ topic: 't', user: 'u' }).missingConfig()).toEqual(['password']);
    const opts = pushOptionsFromEnv({
      KEEL_PUSH_TOPIC: 'alerts',
      KEEL_PUSH_PRIORITY: '5',
      KEEL_PUSH_TAGS: 'a,b',
      KEEL_PUSH_TOKEN: TOKEN,
    });
    expect(opts).toEqual({ topic: 'alerts', priority: 5, tags: ['a', 'b'], token: TOKEN });
    expect(createPushPublisher(opts).secrets).toEqual([TOKEN]);
    expect(() => createPushPublisher({ topic: 'bad topic' })).toThrow(/^push\.topic: /);
    expect(() => createPushPublisher(pushOptionsFromEnv({ KEEL_PUSH_PRIORITY: 'loud' }))).toThrow(
      /push\.priority/,
    );
  });
});
