import type { AlertMessage } from '@keel/notify';
import { describe, expect, it } from 'vitest';
import { buildWebhookPayload } from './presets.js';

const message: AlertMessage = {
  alertKey: 'strategy_plugin_webhook_alert/a',
  subject: 'Crisis <defend>',
  body: 'Cut leverage & wait\n@everyone',
  locale: 'en-US',
  metadata: { plugin: 'crisis_response_shadow', as_of: '2026-05-24' },
};

describe('buildWebhookPayload', () => {
  it('slack: { text } in mrkdwn with a bold subject and & < > escaped', () => {
    expect(buildWebhookPayload(message, 'slack', 4000)).toEqual({
      text: '*Crisis &lt;defend&gt;*\n\nCut leverage &amp; wait\n@everyone',
      mrkdwn: true,
    });
  });

  it('discord: { content } within 2000 code points and mentions disabled', () => {
    const long = { ...message, body: '界'.repeat(3000) };
    const payload = buildWebhookPayload(long, 'discord', 4000) as {
      content: string;
      allowed_mentions: unknown;
    };
    expect(Array.from(payload.content)).toHaveLength(2000);
    expect(payload.content.endsWith('...')).toBe(true);
    expect(payload.allowed_mentions).toEqual({ parse: [] });
  });

  it('generic: the full message as JSON, body truncated to the limit', () => {
    expect(buildWebhookPayload(message, 'generic', 4000)).toEqual({
      alert_key: message.alertKey,
      subject: message.subject,
      body: message.body,
      locale: 'en-US',
      metadata: message.metadata,
    });
    const payload = buildWebhookPayload({ ...message, body: 'x'.repeat(5000) }, 'generic', 9999) as {
      body: string;
    };
    expect(payload.body).toHaveLength(4096);
  });
});
