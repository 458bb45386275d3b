import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelNamespaces, orderChannels, parseChannelList, STANDARD_CHANNELS } from './channels.js';

describe('channel namespaces (§19.1)', () => {
  it('matches the table for the five standard channels', () => {
    expect(channelNamespaces('email')).toEqual({
      messageNamespace: 'strategy_plugin_email_alert',
      markerNamespace: 'strategy_plugin_email_alerts',
      markerSchemaVersion: 'strategy_plugin_email_alert_marker.v1',
    });
    for (const c of STANDARD_CHANNELS) {
      expect(channelNamespaces(c).markerNamespace).toBe(`strategy_plugin_${c}_alerts`);
    }
  });
});

describe('parseChannelList', () => {
  it('splits on , ; and newlines, trims, lower-cases, drops blanks and duplicates', () => {
    expect(parseChannelList(' Email;sms\nTELEGRAM,, email ;\r\n')).toEqual(['email', 'sms', 'telegram']);
    expect(parseChannelList(['push', ' Push ', '', 'webhook'])).toEqual(['push', 'webhook']);
    expect(parseChannelList('')).toEqual([]);
  });

  it('rejects unknown channels with UNSUPPORTED_CHANNEL, unless listed as extra', () => {
    expect(() => parseChannelList('email, fax')).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_CHANNEL' }),
    );
    expect(parseChannelList('email, pager', { extraChannels: ['pager'] })).toEqual(['email', 'pager']);
    expect(parseChannelList('console,file')).toEqual(['console', 'file']);
  });

  it('orders channels email → sms → push → telegram → webhook, custom ones after', () => {
    expect(orderChannels(['console', 'webhook', 'telegram', 'email', 'file', 'sms', 'push'])).toEqual([
      'email',
      'sms',
      'push',
      'telegram',
      'webhook',
      'console',
      'file',
    ]);
  });

  it('property: any mix of known names with noise parses to the distinct names, in first-seen order', () => {
    const names = fc.constantFrom(...STANDARD_CHANNELS, 'console', 'file');
    const sep = fc.constantFrom(',', ';', '\n', '\r\n', ' , ', ';;');
    const caseFn = fc.constantFrom(
      (s: string) => s,
      (s: string) => s.toUpperCase(),
      (s: string) => ` ${s}\t`,
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(names, sep, caseFn), { maxLength: 12 }), (parts) => {
        const text = parts.map(([n, s, f]) => f(n) + s).join('');
        const expected = [...new Set(parts.map(([n]) => n))];
        expect(parseChannelList(text)).toEqual(expected);
        expect(orderChannels(expected).sort()).toEqual([...expected].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('property: any unknown name is rejected', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,10}$/), (name) => {
        fc.pre(![...STANDARD_CHANNELS, 'console', 'file'].includes(name as never));
        expect(() => parseChannelList(`email,${name}`)).toThrow(/unsupported channel/);
      }),
    );
  });
});
