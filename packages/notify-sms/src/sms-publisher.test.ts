import type { AlertMessage } from '@keel/notify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closedPort,
  type LoopbackServer,
  startLoopbackServer,
  testContext,
} from '../../../test-support/loopback-http-server.ts';
import { smsOptionsFromEnv } from './options.js';
import { createSmsPublisher } from './sms-publisher.js';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token-5e3c2b1a';
const CREATED = { status: 201, body: JSON.stringify({ sid: 'SM1', status: 'queued' }) };
const message: AlertMessage = {
  alertKey: 'strategy_plugin_sms_alert/k',
  subject: 'Crisis alert',
  body: '风险：降低杠杆 & review',
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

const base = (url: string) => ({
  accountSid: SID,
  authToken: TOKEN,
  from: '+15005550006',
  to: ['(415) 555-0100', '+44 20 7946 0958', '4155550100'],
  baseUrl: url,
  retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 60_000 },
});

describe('createSmsPublisher against a loopback Twilio-compatible API', () => {
  it('POSTs form-encoded Messages.json with Basic auth per normalised recipient', async () => {
    server = await startLoopbackServer(() => CREATED);
    const publisher = createSmsPublisher(base(server.url));
    const outcomes = await publisher.send(message, testContext());
    expect(outcomes).toEqual([
      { ok: true, provider: 'sms:+14155550100' },
      { ok: true, provider: 'sms:+442079460958' },
    ]);
    expect(server.requests).toHaveLength(2);
    for (const req of server.requests) {
      expect(req.method).toBe('POST');
      expect(req.url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
      expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
      expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    }
    const forms = server.requests.map((r) => Object.fromEntries(new URLSearchParams(r.body)));
    expect(forms.map((f) => f.To).sort()).toEqual(['+14155550100', '+442079460958']);
    expect(forms[0]).toMatchObject({ From: '+15005550006', Body: 'Crisis alert\n风险：降低杠杆 & review' });
  });

  it('truncates at 800 code points by default and splits at the provider limit when raised', async () => {
    server = await startLoopbackServer(() => CREATED);
    const long = { ...message, subject: 'S', body: '界'.repeat(4000) };
    await createSmsPublisher({ ...base(server.url), to: ['+14155550100'] }).send(long, testContext());
    const first = new URLSearchParams(server.requests[0]?.body).get('Body') ?? '';
    expect(Array.from(first)).toHaveLength(800);
    expect(first.endsWith('...')).toBe(true);

    server.requests.length = 0;
    await createSmsPublisher({ ...base(server.url), to: ['+14155550100'], maxLength: 3500 }).send(
      long,
      testContext(),
    );
    const bodies = server.requests.map((r) => new URLSearchParams(r.body).get('Body') ?? '');
    expect(bodies.map((b) => Array.from(b).length)).toEqual([1600, 1600, 300]);
    expect(bodies.join('')).toBe(`S\n${'界'.repeat(3495)}...`);
  });

  it('retries 429 (Retry-After pauses the number) and 5xx; fails fast on 400', async () => {
    let calls = 0;
    server = await startLoopbackServer((req) => {
      const to = new URLSearchParams(req.body).get('To');
      if (to === '+14155550100') {
        calls += 1;
        if (calls === 1)
          return {
            status: 429,
            headers: { 'retry-after': '2' },
            body: '{"code":20429,"message":"Too Many Requests"}',
          };
        if (calls === 2) return { status: 503, body: 'unavailable' };
        return CREATED;
      }
      return {
        status: 400,
        body: JSON.stringify({ code: 21211, message: "The 'To' number is not a valid phone number." }),
      };
    });
    const clock = virtualClock();
    const outcomes = await createSmsPublisher(base(server.url), clock).send(message, testContext());
    expect(outcomes[0]).toEqual({ ok: true, provider: 'sms:+14155550100' });
    expect(outcomes[1]).toMatchObject({ ok: false, provider: 'sms:+442079460958', retryable: false });
    expect(outcomes[1]?.error).toContain('21211');
    expect(calls).toBe(3);
    expect(server.requests.filter((r) => r.body.includes('%2B44'))).toHaveLength(1);
    expect(clock.sleeps.some((ms) => ms >= 2000)).toBe(true);
  });

  it('never leaks the auth token (echoing server, refused connection, logs, option errors)', async () => {
    server = await startLoopbackServer((req) => ({
      status: 500,
      body: `boom ${req.headers.authorization} ${TOKEN}`,
    }));
    const ctx = testContext();
    const [echoed] = await createSmsPublisher(
      { ...base(server.url), to: ['+14155550100'] },
      virtualClock(),
    ).send(message, ctx);
    const port = await closedPort();
    const [refused] = await createSmsPublisher(
      { ...base(`http://127.0.0.1:${port}`), to: ['+14155550100'] },
      virtualClock(),
    ).send(message, ctx);
    const basic = Buffer.from(`${SID}:${TOKEN}`).toString('base64');
    const texts = [
      echoed?.error,
      refused?.error,
      ...ctx.lines.map((l) => `${l.message} ${JSON.stringify(l.fields)}`),
    ];
    expect(echoed?.error).toContain('boom');
    expect(refused).toMatchObject({ ok: false, retryable: true });
    for (const text of texts) {
      expect(text).toBeDefined();
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(basic);
    }
    expect(() => createSmsPublisher({ authToken: '' })).toThrow(/^sms\.authToken: /);
    expect(() => createSmsPublisher({ to: ['12'] })).toThrow(/sms\.to\.0: not a phone number/);
  });

  it('reports missing settings and reads env-friendly settings', () => {
    expect(createSmsPublisher().missingConfig()).toEqual(['accountSid', 'authToken', 'from', 'to']);
    const opts = smsOptionsFromEnv({
      KEEL_SMS_ACCOUNT_SID: SID,
      KEEL_SMS_AUTH_TOKEN: TOKEN,
      KEEL_SMS_FROM: 'KEEL',
      KEEL_SMS_TO: '4155550100; +44 20 7946 0958',
    });
    const publisher = createSmsPublisher(opts);
    expect(publisher.missingConfig()).toEqual([]);
    expect(publisher.secrets).toEqual([TOKEN]);
  });
});
