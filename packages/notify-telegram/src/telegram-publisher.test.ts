import type { AlertMessage } from '@keel/notify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLockstepClock } from '../../../test-support/lockstep-clock.ts';
import {
  closedPort,
  type LoopbackServer,
  type RecordedRequest,
  startLoopbackServer,
  testContext,
} from '../../../test-support/loopback-http-server.ts';
import { WORD_JOINER } from './word-joiner.js';
import { createTelegramPublisher } from './telegram-publisher.js';
import { telegramOptionsFromEnv } from './options.js';

const TOKEN = '123456:AAE-secret_Token_value_9f8e7d';
const OK = { status: 200, body: JSON.stringify({ ok: true, result: { message_id: 1 } }) };

const message = (over: Partial<AlertMessage> = {}): AlertMessage => ({
  alertKey: 'strategy_plugin_telegram_alert/k',
  subject: 'Crisis <watch> & co',
  body: 'Line 1\nLine "2"',
  locale: 'en-US',
  metadata: { plugin: 'crisis_response_shadow' },
  ...over,
});

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * A virtual clock: sleeping records the wait and advances the clock instead of waiting, so retry
 * and pause tests are fast yet observable. Passed to the publisher as its `sleep` and `now`.
 */
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

const fast = {
  retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 60_000 },
  rateLimit: { perSecond: 1000, burst: 100 },
};

describe('createTelegramPublisher against a loopback Bot API', () => {
  it('POSTs sendMessage per chat with escaped HTML, bold subject and link previews off', async () => {
    server = await startLoopbackServer(() => OK);
    const publisher = createTelegramPublisher({
      botToken: TOKEN,
      chatIds: ['111', '@alerts'],
      baseUrl: server.url,
      ...fast,
    });
    const outcomes = await publisher.send(message(), testContext());
    expect(outcomes).toEqual([
      { ok: true, provider: 'telegram:111' },
      { ok: true, provider: 'telegram:@alerts' },
    ]);
    expect(server.requests).toHaveLength(2);
    for (const req of server.requests) {
      expect(req.method).toBe('POST');
      expect(req.url).toBe(`/bot${TOKEN}/sendMessage`);
      expect(req.headers['content-type']).toBe('application/json');
    }
    const bodies = server.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies.map((b) => b.chat_id).sort()).toEqual(['111', '@alerts']);
    expect(bodies[0]).toMatchObject({
      text: '<b>Crisis &lt;watch&gt; &amp; co</b>\n\nLine 1\nLine &quot;2&quot;',
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      disable_notification: false,
    });
  });

  it('sends the compact zh-CN card for market_regime_control with word joiners in symbols', async () => {
    server = await startLoopbackServer(() => OK);
    const publisher = createTelegramPublisher({
      botToken: TOKEN,
      chatIds: ['1'],
      baseUrl: server.url,
      ...fast,
    });
    const outcomes = await publisher.send(
      message({
        locale: 'zh-CN',
        subject: '市场状态插件',
        metadata: {
          plugin: 'market_regime_control',
          as_of: '2026-05-24',
          canonical_route: 'blocked',
          situation: '数据检查失败',
          recommendation: '先修复数据，再看 SOXL.US',
        },
      }),
      testContext(),
    );
    expect(outcomes[0]?.ok).toBe(true);
    const body = JSON.parse(server.requests[0]?.body ?? '{}') as { text: string };
    expect(body.text).toBe(
      `日期：2026-05-24\n市场状态：数据防护，信号暂不可用\n背景：数据检查失败\n建议操作：先修复数据，再看 SOXL.${WORD_JOINER}US`,
    );
  });

  it('splits text whose escaped form exceeds 4096 into ordered parts', async () => {
    server = await startLoopbackServer(() => OK);
    const publisher = createTelegramPublisher({
      botToken: TOKEN,
      chatIds: ['1'],
      baseUrl: server.url,
      ...fast,
    });
    const body = '<&>'.repeat(1200); // 3600 code points, 15 600 once escaped
    const outcomes = await publisher.send(message({ subject: 'S', body }), testContext());
    expect(outcomes).toEqual([{ ok: true, provider: 'telegram:1' }]);
    const texts = server.requests.map((r) => (JSON.parse(r.body) as { text: string }).text);
    expect(texts.length).toBe(4);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(4096);
    const plain = texts
      .join('')
      .replace('<b>S</b>', '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    expect(plain).toBe(`\n\n${body}`);
  });

  it('truncates long text at the configured limit (max 4096) with "..."', async () => {
    server = await startLoopbackServer(() => OK);
    const publisher = createTelegramPublisher({
      botToken: TOKEN,
      chatIds: ['1'],
      baseUrl: server.url,
      maxLength: 100,
      ...fast,
    });
    await publisher.send(message({ subject: 'S', body: 'x'.repeat(500) }), testContext());
    const text = (JSON.parse(server.requests[0]?.body ?? '{}') as { text: string }).text;
    expect(text).toBe(`<b>S</b>\n\n${'x'.repeat(94)}...`);
  });

  it('on 429 honours parameters.retry_after by pausing the chat, then succeeds', async () => {
    server = await startLoopbackServer((_req, i) =>
      i === 0
        ? {
            status: 429,
            body: JSON.stringify({
              ok: false,
              error_code: 429,
              description: 'Too Many Requests: retry after 7',
              parameters: { retry_after: 7 },
            }),
          }
        : OK,
    );
    const clock = virtualClock();
    const ctx = testContext();
    const publisher = createTelegramPublisher(
      { botToken: TOKEN, chatIds: ['1'], baseUrl: server.url, ...fast },
      clock,
    );
    const outcomes = await publisher.send(message(), ctx);
    expect(outcomes).toEqual([{ ok: true, provider: 'telegram:1' }]);
    expect(server.requests).toHaveLength(2);
    expect(clock.sleeps.some((ms) => ms >= 7000)).toBe(true);
    expect(ctx.lines.some((l) => l.level === 'warn' && String(l.fields?.error).includes('429'))).toBe(true);
  });

  it('reports a retryable failure with retryAfterMs when retry_after exceeds maxDelayMs', async () => {
    server = await startLoopbackServer(() => ({
      status: 429,
      body: JSON.stringify({
        ok: false,
        error_code: 429,
        description: 'Too Many Requests',
        parameters: { retry_after: 120 },
      }),
    }));
    const publisher = createTelegramPublisher({
      botToken: TOKEN,
      chatIds: ['1'],
      baseUrl: server.url,
      ...fast,
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1000 },
    });
    const [outcome] = await publisher.send(message(), testContext());
    expect(outcome).toMatchObject({
      ok: false,
      provider: 'telegram:1',
      retryable: true,
      retryAfterMs: 120_000,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('retries 5xx with back-off up to the attempt limit', async () => {
    server = await startLoopbackServer(() => ({ status: 502, body: 'bad gateway' }));
    const clock = virtualClock();
    const publisher = createTelegramPublisher(
      { botToken: TOKEN, chatIds: ['1'], baseUrl: server.url, ...fast },
      clock,
    );
    const [outcome] = await publisher.send(message(), testContext());
    expect(server.requests).toHaveLength(3);
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps.every((ms) => ms >= 0 && ms <= 4)).toBe(true);
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(outcome?.error).toMatch(/502/);
  });

  it('fails fast on other 4xx without retrying', async () => {
    server = await startLoopbackServer(() => ({
      status: 400,
      body: JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: chat not found' }),
    }));
    const publisher = createTelegramPublisher({
      botToken: TOKEN,
      chatIds: ['1'],
      baseUrl: server.url,
      ...fast,
    });
    const [outcome] = await publisher.send(message(), testContext());
    expect(server.requests).toHaveLength(1);
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome?.error).toContain('chat not found');
  });

  it('never leaks the bot token: wrong token echoed by the server, connection refused, logs', async () => {
    server = await startLoopbackServer((req) => ({
      status: req.url.includes('retry') ? 500 : 401,
      body: JSON.stringify({
        ok: false,
        error_code: 401,
        description: `Unauthorized: ${req.url} token=${TOKEN}`,
      }),
    }));
    const ctx = testContext();
    const publisher = createTelegramPublisher({
      botToken: TOKEN,
      chatIds: ['1'],
      baseUrl: server.url,
      ...fast,
    });
    const [wrong] = await publisher.send(message(), ctx);
    expect(wrong?.ok).toBe(false);
    expect(wrong?.error).toContain('Unauthorized');
    expect(wrong?.error).toContain('<redacted>');

    const port = await closedPort();
    const refused = createTelegramPublisher({
      botToken: TOKEN,
      chatIds: ['1'],
      baseUrl: `http://127.0.0.1:${port}`,
      ...fast,
    });
    const [down] = await refused.send(message(), ctx);
    expect(down).toMatchObject({ ok: false, retryable: true });

    const texts = [
      wrong?.error,
      down?.error,
      ...ctx.lines.map((l) => `${l.message} ${JSON.stringify(l.fields)}`),
    ];
    expect(ctx.lines.length).toBeGreaterThan(0);
    for (const text of texts) {
      expect(text).toBeDefined();
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('AAE-secret');
    }
    expect(publisher.secrets).toEqual([TOKEN]);
  });

  it('never shows the token in option errors', () => {
    expect(() =>
      createTelegramPublisher({ botToken: TOKEN, chatIds: ['1'], baseUrl: `ftp://x/${TOKEN}` }),
    ).toThrow(/telegram\.baseUrl/);
    try {
      createTelegramPublisher({ botToken: 42 as unknown as string });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/^telegram\.botToken: /);
      expect((error as { code?: string }).code).toBe('INVALID_OPTIONS');
      expect((error as Error).message).not.toContain('42');
    }
  });

  it('reports missing settings instead of throwing', () => {
    expect(createTelegramPublisher().missingConfig()).toEqual(['botToken', 'chatIds']);
    expect(createTelegramPublisher({ botToken: TOKEN }).missingConfig()).toEqual(['chatIds']);
    expect(createTelegramPublisher({ botToken: TOKEN, chatIds: ['1'] }).missingConfig()).toEqual([]);
  });

  it('reads env-friendly settings', () => {
    const opts = telegramOptionsFromEnv({
      KEEL_TELEGRAM_BOT_TOKEN: ` ${TOKEN} `,
      KEEL_TELEGRAM_CHAT_IDS: '1, 2;@c\n',
      KEEL_TELEGRAM_RATE_PER_SECOND: '20',
      KEEL_TELEGRAM_MAX_LENGTH: '2000',
    });
    expect(opts).toEqual({
      botToken: TOKEN,
      chatIds: ['1', '2', '@c'],
      maxLength: 2000,
      rateLimit: { perSecond: 20 },
    });
    expect(createTelegramPublisher(opts).missingConfig()).toEqual([]);
    expect(() =>
      createTelegramPublisher(telegramOptionsFromEnv({ KEEL_TELEGRAM_MAX_LENGTH: 'lots' })),
    ).toThrow(/telegram\.maxLength/);
  });
});

describe('Telegram pacing', () => {
  const rate = 200;
  const burst = 5;
  const alerts = Array.from({ length: 100 }, (_, i) => message({ alertKey: `k${i}`, body: `alert ${i}` }));
  const alertNumber = (r: RecordedRequest): number =>
    Number(/alert (\d+)$/.exec((JSON.parse(r.body) as { text: string }).text)?.[1]);

  it('paces 100 alerts to one chat at the configured rate (injected clock, server-observed)', async () => {
    // The server stamps arrivals with the publisher's virtual clock, and that clock only moves once
    // every request already started has reached the server (the fetch spy only counts calls; the
    // real fetch runs). So each stamp is the instant the chat's token bucket released the request,
    // and the bounds below are exact, with no allowance for a slow or busy machine.
    const fetches = vi.spyOn(globalThis, 'fetch');
    const clock = createLockstepClock(() => server?.requests.length === fetches.mock.calls.length);
    try {
      server = await startLoopbackServer(() => OK, { now: clock.now });
      const publisher = createTelegramPublisher(
        { botToken: TOKEN, chatIds: ['42'], baseUrl: server.url, rateLimit: { perSecond: rate, burst } },
        clock,
      );
      const start = clock.now();
      const outcomes = await Promise.all(alerts.map((m) => publisher.send(m, testContext())));
      expect(outcomes.flat().every((o) => o.ok)).toBe(true);
      expect(fetches).toHaveBeenCalledTimes(100);
      const times = server.requests.map((r) => r.at);
      expect(times).toHaveLength(100);
      // Token-bucket bound on every window of arrivals: n requests need n <= burst + rate·Δt.
      for (let i = 0; i < times.length; i++) {
        for (let j = i + 1; j < times.length; j++) {
          const dt = (times[j] as number) - (times[i] as number);
          expect(j - i + 1).toBeLessThanOrEqual(burst + (rate * dt) / 1000 + 1e-9);
        }
      }
      // Not slower than configured either: the burst at once, then one request every 1000/rate ms.
      expect(times.slice(0, burst)).toEqual(Array(burst).fill(start));
      for (let i = burst; i < times.length; i++) {
        expect((times[i] as number) - (times[i - 1] as number)).toBe(1000 / rate);
      }
      // One chat's queue is FIFO: the burst is alerts 0..4 (in any order), then alert n is request n.
      const order = server.requests.map(alertNumber);
      expect(order.slice(0, burst).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
      expect(order.slice(burst)).toEqual(Array.from({ length: 100 - burst }, (_, i) => i + burst));
      expect(clock.sleeps).toHaveLength(100 - burst);
    } finally {
      fetches.mockRestore();
    }
  });

  it('paces on real timers too: the server never sees more than burst + rate·elapsed requests', async () => {
    // The same pacing on the production sleep. Wall-clock gaps between arrivals depend on the
    // machine, so nothing here measures them; the bound is the bucket's schedule, which only holds
    // requests back. A request reaches the server after its release, the bucket (created by the
    // first send, after t0) has released at most burst + rate·(t − t0) by any time t, and the 100th
    // cannot leave before (100 − burst)/rate s. A slower machine delays arrivals, which keeps both
    // true. Server and bucket share one monotonic clock.
    const now = (): number => performance.now();
    server = await startLoopbackServer(() => OK, { now });
    const publisher = createTelegramPublisher(
      { botToken: TOKEN, chatIds: ['42'], baseUrl: server.url, rateLimit: { perSecond: rate, burst } },
      { now },
    );
    const t0 = now();
    const outcomes = await Promise.all(alerts.map((m) => publisher.send(m, testContext())));
    expect(outcomes.flat().every((o) => o.ok)).toBe(true);
    const times = server.requests.map((r) => r.at).sort((a, b) => a - b);
    expect(times).toHaveLength(100);
    times.forEach((t, k) => {
      expect(k + 1).toBeLessThanOrEqual(burst + (rate * (t - t0)) / 1000 + 1e-6);
    });
    expect((times.at(-1) as number) - t0).toBeGreaterThanOrEqual(((100 - burst) / rate) * 1000 - 1e-6);
  });
});
