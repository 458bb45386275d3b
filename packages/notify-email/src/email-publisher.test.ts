import type { AlertMessage } from '@keel/notify';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, testContext } from '../../../test-support/loopback-http-server.ts';
import { parseMail } from '../test/parse-mime.js';
import { type SmtpTestServer, startSmtpServer } from '../test/smtp-test-server.js';
import { createEmailPublisher } from './email-publisher.js';
import { emailOptionsFromEnv } from './options.js';

const USER = 'alerts@keel.test';
const PASSWORD = 'smtp-pa55word-7c1d';

const enUS: AlertMessage = {
  alertKey: 'strategy_plugin_email_alert/a',
  subject: '[ibkr / paper] Strategy plugin alert: Crisis Response — true crisis',
  body: 'Strategy plugin alert\n\nTarget: tqqq_growth_income\nSituation: <crisis> & defend',
  locale: 'en-US',
  metadata: {},
};
const zhCN: AlertMessage = {
  alertKey: 'strategy_plugin_email_alert/b',
  subject: '策略插件提醒：市场状态控制 — 风险关闭（SOXL.US）',
  body: '策略插件提醒\n\n目标：策略 tqqq_growth_income\n情况：市场处于风险关闭状态，保护资本优先。',
  locale: 'zh-CN',
  metadata: {},
};

let smtp: SmtpTestServer | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

const options = (port: number) => ({
  host: '127.0.0.1',
  port,
  secure: false,
  ignoreTLS: true,
  user: USER,
  password: PASSWORD,
  from: '"Keel Alerts" <alerts@keel.test>',
  to: ['ops@example.test', 'risk@example.test'],
  timeoutMs: 5_000,
  retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 100 },
});

describe('createEmailPublisher against a real SMTP server', () => {
  it.each([
    ['en-US', enUS],
    ['zh-CN', zhCN],
  ])('delivers subject, text and HTML in %s with UTF-8 headers', async (_locale, message) => {
    smtp = await startSmtpServer({ user: USER, password: PASSWORD });
    const publisher = createEmailPublisher(options(smtp.port));
    try {
      expect(await publisher.send(message, testContext())).toEqual([
        { ok: true, provider: 'email:127.0.0.1' },
      ]);
    } finally {
      await publisher.close?.();
    }
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0];
    expect(mail?.user).toBe(USER);
    expect(mail?.from).toBe('alerts@keel.test');
    expect(mail?.to).toEqual(['ops@example.test', 'risk@example.test']);
    const parsed = parseMail(mail?.raw ?? '');
    // Headers on the wire are 7-bit; non-ASCII subjects travel as RFC 2047 encoded words.
    expect(mail?.raw.split('\r\n\r\n')[0]).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    if (message.locale === 'zh-CN') expect(parsed.rawHeaders.get('subject')).toMatch(/=\?UTF-8\?[BQ]\?/i);
    expect(parsed.headers.get('subject')).toBe(message.subject);
    expect(parsed.headers.get('to')).toBe('ops@example.test, risk@example.test');
    expect(parsed.headers.get('x-keel-alert-key')).toBe(message.alertKey);
    expect(parsed.text?.replace(/\r\n/g, '\n')).toBe(message.body);
    expect(parsed.html).toContain(`<html lang="${message.locale}">`);
    const firstLine = message.body.split('\n')[0] ?? '';
    expect(parsed.html).toContain(`${firstLine}<br>`);
    if (message.locale === 'en-US') expect(parsed.html).toContain('&lt;crisis&gt; &amp; defend');
  });

  it('upgrades with STARTTLS when required (self-signed server, verification off)', async () => {
    smtp = await startSmtpServer({ user: USER, password: PASSWORD, starttls: true });
    const publisher = createEmailPublisher({
      ...options(smtp.port),
      ignoreTLS: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
    });
    try {
      expect((await publisher.send(enUS, testContext()))[0]?.ok).toBe(true);
    } finally {
      await publisher.close?.();
    }
    expect(smtp.mails[0]?.secure).toBe(true);
  });

  it('fails fast without leaking the password on a wrong password echoed by the server', async () => {
    smtp = await startSmtpServer({ user: USER, password: PASSWORD });
    const ctx = testContext();
    const wrong = `${PASSWORD}-wrong`;
    const publisher = createEmailPublisher({ ...options(smtp.port), password: wrong });
    const [outcome] = await publisher.send(enUS, ctx);
    await publisher.close?.();
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome?.error).toMatch(/EAUTH/);
    expect(outcome?.error).not.toContain(wrong);
    expect(outcome?.error).not.toContain(PASSWORD);
    expect(smtp.authAttempts).toEqual([{ user: USER, ok: false }]);
    expect(smtp.mails).toHaveLength(0);
  });

  it('retries a refused connection and reports it as retryable, secret-free', async () => {
    const port = await closedPort();
    const ctx = testContext();
    const publisher = createEmailPublisher(options(port));
    const [outcome] = await publisher.send(enUS, ctx);
    expect(outcome).toMatchObject({ ok: false, retryable: true, provider: 'email:127.0.0.1' });
    expect(ctx.lines.filter((l) => l.message === 'email send retry')).toHaveLength(1);
    for (const text of [outcome?.error, ...ctx.lines.map((l) => JSON.stringify(l))])
      expect(text).not.toContain(PASSWORD);
  });

  it('treats a permanently rejected recipient list as a non-retryable failure', async () => {
    smtp = await startSmtpServer({ user: USER, password: PASSWORD, rcptCode: () => 550 });
    const publisher = createEmailPublisher(options(smtp.port));
    const [outcome] = await publisher.send(enUS, testContext());
    await publisher.close?.();
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(smtp.mails).toHaveLength(0);
  });

  it('reports missing settings, reads env names and never shows the password in option errors', () => {
    expect(createEmailPublisher().missingConfig()).toEqual(['host', 'from', 'to']);
    expect(
      createEmailPublisher({ host: 'h', from: 'a@b.c', to: ['d@e.f'], user: 'u' }).missingConfig(),
    ).toEqual(['password']);
    const opts = emailOptionsFromEnv({
      KEEL_SMTP_HOST: 'smtp.example.test',
      KEEL_SMTP_PORT: '465',
      KEEL_SMTP_SECURE: 'true',
      KEEL_SMTP_TLS_REJECT_UNAUTHORIZED: 'false',
      KEEL_SMTP_USER: USER,
      KEEL_SMTP_PASSWORD: PASSWORD,
      KEEL_EMAIL_FROM: 'alerts@keel.test',
      KEEL_EMAIL_TO: 'a@x.test; b@x.test',
    });
    expect(opts).toEqual({
      host: 'smtp.example.test',
      port: 465,
      secure: true,
      tls: { rejectUnauthorized: false },
      user: USER,
      password: PASSWORD,
      from: 'alerts@keel.test',
      to: ['a@x.test', 'b@x.test'],
    });
    const publisher = createEmailPublisher(opts);
    expect(publisher.missingConfig()).toEqual([]);
    expect(publisher.secrets).toEqual([PASSWORD]);
    expect(() => createEmailPublisher({ password: 42 as unknown as string })).toThrow(
      /^email\.password: [^4]*$/,
    );
    expect(() => createEmailPublisher({ to: ['nobody'] })).toThrow(/email\.to\.0: not an email address/);
    expect(() => createEmailPublisher(emailOptionsFromEnv({ KEEL_SMTP_SECURE: 'maybe' }))).toThrow(
      /email\.secure/,
    );
  });
});
