import type { AlertMessage } from '@keel/notify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closedPort,
  type LoopbackServer,
  startLoopbackServer,
  testContext,
} from '../../../test-support/loopback-http-server.ts';
import { webhookOptionsFromEnv } from './options.js';
import { verifyWebhookSignature } from './signature.js';
import { createWebhookPublisher } from './webhook-publisher.js';

const SECRET = 'whsec_5up3r-s3cret-value';
const message: AlertMessage = {
  alertKey: 'strategy_plugin_webhook_alert/k',
  subject: '风险提示：危机防御',
  body: 'Line 1\nLine 2',
  locale: 'zh-CN',
  metadata: { plugin: 'crisis_response_shadow', canonical_route: 'true_crisis' },
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

const fast = { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 60_000 } };

describe('createWebhookPublisher against loopback receivers', () => {
  it('POSTs signed JSON that the receiver verifies, one outcome per endpoint', async () => {
    server = await startLoopbackServer(() => ({ status: 204 }));
    const publisher = createWebhookPublisher({
      endpoints: [
        { url: `${server.url}/hooks/generic?team=a`, secret: SECRET },
        { url: `${server.url}/slack/T1/B2/XyZ`, preset: 'slack' },
        { url: `${server.url}/discord/1/tok`, preset: 'discord', name: 'ops-discord' },
      ],
      ...fast,
    });
    const outcomes = await publisher.send(message, testContext());
    expect(outcomes).toEqual([
      { ok: true, provider: 'webhook:generic' },
      { ok: true, provider: 'webhook:slack' },
      { ok: true, provider: 'webhook:ops-discord' },
    ]);
    const byPath = new Map(server.requests.map((r) => [r.url, r]));
    const generic = byPath.get('/hooks/generic?team=a');
    expect(generic?.method).toBe('POST');
    expect(generic?.headers['content-type']).toBe('application/json; charset=utf-8');
    const verified = verifyWebhookSignature({
      secret: SECRET,
      body: generic?.body ?? '',
      timestamp: generic?.headers['x-keel-timestamp'] as string,
      signature: generic?.headers['x-keel-signature'] as string,
    });
    expect(verified.ok).toBe(true);
    expect(JSON.parse(generic?.body ?? '')).toEqual({
      alert_key: message.alertKey,
      subject: message.subject,
      body: message.body,
      locale: 'zh-CN',
      metadata: message.metadata,
    });
    const slack = byPath.get('/slack/T1/B2/XyZ');
    expect(JSON.parse(slack?.body ?? '')).toEqual({
      text: `*${message.subject}*\n\n${message.body}`,
      mrkdwn: true,
    });
    expect(slack?.headers['x-keel-signature']).toBeUndefined();
    expect(slack?.headers['x-keel-timestamp']).toMatch(/^\d{10}$/);
    expect(JSON.parse(byPath.get('/discord/1/tok')?.body ?? '')).toMatchObject({
      content: `${message.subject}\n\n${message.body}`,
    });
  });

  it('a receiver rejects a body signed with another secret', async () => {
    server = await startLoopbackServer((req) => {
      const check = verifyWebhookSignature({
        secret: SECRET,
        body: req.body,
        timestamp: req.headers['x-keel-timestamp'] as string,
        signature: req.headers['x-keel-signature'] as string,
      });
      return check.ok ? { status: 200 } : { status: 401, body: check.reason };
    });
    const good = createWebhookPublisher({ endpoints: [{ url: server.url, secret: SECRET }], ...fast });
    const bad = createWebhookPublisher({
      endpoints: [{ url: server.url, secret: 'another-secret' }],
      ...fast,
    });
    expect((await good.send(message, testContext()))[0]?.ok).toBe(true);
    const [rejected] = await bad.send(message, testContext());
    expect(rejected).toMatchObject({ ok: false, retryable: false });
    expect(rejected?.error).toContain('bad_signature');
  });

  it('honours 429 Retry-After (pausing the endpoint) and retries 5xx with back-off', async () => {
    server = await startLoopbackServer((req, i) => {
      if (req.url === '/limited')
        return i < 1 ? { status: 429, headers: { 'retry-after': '3' } } : { status: 200 };
      return server?.requests.filter((r) => r.url === '/flaky').length === 1
        ? { status: 503 }
        : { status: 200 };
    });
    const clock = virtualClock();
    const publisher = createWebhookPublisher(
      { endpoints: [{ url: `${server.url}/limited`, name: 'limited' }], ...fast },
      clock,
    );
    expect(await publisher.send(message, testContext())).toEqual([{ ok: true, provider: 'webhook:limited' }]);
    expect(clock.sleeps.some((ms) => ms >= 3000)).toBe(true);
    const flaky = createWebhookPublisher(
      { endpoints: [{ url: `${server.url}/flaky`, name: 'flaky' }], ...fast },
      clock,
    );
    expect(await flaky.send(message, testContext())).toEqual([{ ok: true, provider: 'webhook:flaky' }]);
    expect(server.requests.map((r) => r.url)).toEqual(['/limited', '/limited', '/flaky', '/flaky']);
  });

  it('keeps going when one endpoint fails; 4xx fails fast, 5xx exhausts attempts', async () => {
    server = await startLoopbackServer((req) =>
      req.url === '/gone' ? { status: 410 } : req.url === '/down' ? { status: 500 } : { status: 200 },
    );
    const publisher = createWebhookPublisher(
      {
        endpoints: [
          { url: `${server.url}/gone`, name: 'gone' },
          { url: `${server.url}/down`, name: 'down' },
          { url: `${server.url}/ok`, name: 'ok' },
        ],
        ...fast,
      },
      virtualClock(),
    );
    const outcomes = await publisher.send(message, testContext());
    expect(outcomes[0]).toMatchObject({ ok: false, provider: 'webhook:gone', retryable: false });
    expect(outcomes[1]).toMatchObject({ ok: false, provider: 'webhook:down', retryable: true });
    expect(outcomes[2]).toEqual({ ok: true, provider: 'webhook:ok' });
    expect(server.requests.filter((r) => r.url === '/gone')).toHaveLength(1);
    expect(server.requests.filter((r) => r.url === '/down')).toHaveLength(3);
  });

  it('never leaks secrets, token-bearing URLs or header credentials', async () => {
    const token = 'xoxb-hook-token-0123456789';
    server = await startLoopbackServer((req) => ({
      status: 403,
      body: `denied ${req.url} auth=${String(req.headers.authorization)} sig=${String(req.headers['x-keel-signature'])} ${SECRET}`,
    }));
    const ctx = testContext();
    const publisher = createWebhookPublisher(
      {
        endpoints: [
          {
            url: `${server.url}/services/${token}`,
            preset: 'slack',
            secret: SECRET,
            headers: { authorization: 'Bearer gw-credential-42' },
          },
        ],
        ...fast,
      },
      virtualClock(),
    );
    const [outcome] = await publisher.send(message, ctx);
    const port = await closedPort();
    const down = createWebhookPublisher(
      { endpoints: [{ url: `http://127.0.0.1:${port}/x/${token}`, secret: SECRET }], ...fast },
      virtualClock(),
    );
    const [refused] = await down.send(message, ctx);
    expect(outcome?.error).toContain('denied');
    expect(refused?.ok).toBe(false);
    const texts = [
      outcome?.error,
      refused?.error,
      ...ctx.lines.map((l) => `${l.message} ${JSON.stringify(l.fields)}`),
    ];
    expect(ctx.lines.length).toBeGreaterThan(0);
    for (const text of texts) {
      expect(text).toBeDefined();
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(token);
      expect(text).not.toContain('gw-credential-42');
    }
    expect(() => createWebhookPublisher({ endpoints: [{ url: `not a url ${token}` }] })).toThrow(
      /webhook\.endpoints\.0\.url/,
    );
    try {
      createWebhookPublisher({ endpoints: [{ url: `not a url ${token}` }] });
    } catch (error) {
      expect((error as Error).message).not.toContain(token);
    }
  });

  it('reports missing endpoints and reads env-friendly settings', () => {
    expect(createWebhookPublisher().missingConfig()).toEqual(['endpoints']);
    const opts = webhookOptionsFromEnv({
      KEEL_WEBHOOK_URL: 'https://hooks.example/a',
      KEEL_WEBHOOK_SECRET: SECRET,
      KEEL_WEBHOOK_PRESET: 'slack',
      KEEL_WEBHOOK_ENDPOINTS: '[{"url":"https://discord.example/w","preset":"discord"}]',
    });
    expect(opts.endpoints).toEqual([
      { url: 'https://hooks.example/a', secret: SECRET, preset: 'slack' },
      { url: 'https://discord.example/w', preset: 'discord' },
    ]);
    const publisher = createWebhookPublisher(opts);
    expect(publisher.missingConfig()).toEqual([]);
    expect(publisher.secrets).toContain(SECRET);
    expect(() => createWebhookPublisher(webhookOptionsFromEnv({ KEEL_WEBHOOK_ENDPOINTS: '{oops' }))).toThrow(
      /webhook\.endpoints/,
    );
  });
});
