import { NotifyConfigError } from './errors.js';

/** The five standard alert channels, in the fixed run order of §19.1. */
export const STANDARD_CHANNELS = ['email', 'sms', 'push', 'telegram', 'webhook'] as const;
export type StandardChannel = (typeof STANDARD_CHANNELS)[number];

/** Embedded channels that need no credentials (run after the standard ones). */
export const BUILTIN_CHANNELS = ['console', 'file'] as const;

/** Default selection when none is configured; `webhook` joins when an endpoint is configured. */
export const DEFAULT_CHANNELS: readonly StandardChannel[] = ['email', 'sms', 'push', 'telegram'];

/** Namespaces one channel uses (§19.1). */
export interface ChannelNamespaces {
  /** Alert key prefix passed to `buildAlertMessages`, e.g. `strategy_plugin_email_alert`. */
  readonly messageNamespace: string;
  /** Marker store namespace, e.g. `strategy_plugin_email_alerts`. */
  readonly markerNamespace: string;
  /** `schema_version` written in file markers, e.g. `strategy_plugin_email_alert_marker.v1`. */
  readonly markerSchemaVersion: string;
}

const CHANNEL_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Namespaces of a channel. Standard channels use the §19.1 table; custom channels (console, file, ...)
 * follow the same pattern so their markers never collide with a standard channel's.
 */
export function channelNamespaces(channel: string): ChannelNamespaces {
  const name = channel.trim().toLowerCase().replace(/-/g, '_');
  return {
    messageNamespace: `strategy_plugin_${name}_alert`,
    markerNamespace: `strategy_plugin_${name}_alerts`,
    markerSchemaVersion: `strategy_plugin_${name}_alert_marker.v1`,
  };
}

/** True for a name `parseChannelList` accepts as a custom channel: lower-case, `a-z0-9_-`, ≤ 32 chars. */
export function isValidChannelName(name: string): boolean {
  return CHANNEL_NAME.test(name);
}

export interface ParseChannelListOptions {
  /** Channel names accepted besides the standard five (e.g. the custom publishers present). */
  extraChannels?: readonly string[];
}

/**
 * Parses a channel selection (§19.1): a list, or a string split on `,`, `;` and newlines; each name
 * trimmed and lower-cased; blanks and duplicates dropped (first occurrence kept). A name that is not a
 * standard channel, `console`/`file`, or listed in `extraChannels` throws `UNSUPPORTED_CHANNEL`.
 * Returns names in input order; {@link orderChannels} applies the run order.
 */
export function parseChannelList(
  raw: string | readonly unknown[],
  options: ParseChannelListOptions = {},
): string[] {
  const known = new Set<string>([...STANDARD_CHANNELS, ...BUILTIN_CHANNELS]);
  for (const extra of options.extraChannels ?? []) known.add(extra.trim().toLowerCase());
  const items: unknown[] = typeof raw === 'string' ? raw.split(/[,;\r\n]/) : [...raw];
  const out: string[] = [];
  for (const item of items) {
    if (item === null || item === undefined) continue;
    if (typeof item !== 'string') {
      throw new NotifyConfigError(
        'UNSUPPORTED_CHANNEL',
        `channels: expected channel names; got ${typeof item}`,
        {
          field: 'channels',
        },
      );
    }
    const name = item.trim().toLowerCase();
    if (name === '' || out.includes(name)) continue;
    if (!known.has(name)) {
      throw new NotifyConfigError(
        'UNSUPPORTED_CHANNEL',
        `channels: unsupported channel ${JSON.stringify(name)}; supported: ${JSON.stringify([...known])}`,
        { field: 'channels', value: name, hint: 'use one of the listed channels or pass a publisher for it' },
      );
    }
    out.push(name);
  }
  return out;
}

/** Sorts channels into the fixed run order: email → sms → push → telegram → webhook, then the rest as given. */
export function orderChannels(channels: readonly string[]): string[] {
  const rank = (c: string): number => {
    const i = (STANDARD_CHANNELS as readonly string[]).indexOf(c);
    return i < 0 ? STANDARD_CHANNELS.length : i;
  };
  return channels
    .map((channel, index) => ({ channel, index }))
    .sort((a, b) => rank(a.channel) - rank(b.channel) || a.index - b.index)
    .map((e) => e.channel);
}
