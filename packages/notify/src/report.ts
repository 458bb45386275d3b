import type { JsonValue } from '@keel/contract';

export type DeliveryStatus = 'sent' | 'skipped' | 'failed';

/** One diagnostic entry (§19.3). Every text in it is redacted. */
export interface DeliveryRecord {
  readonly channel: string;
  readonly alertKey: string;
  readonly subject: string;
  readonly status: DeliveryStatus;
  /** `duplicate_alert`, `missing_<channel>_config`, `rate_limited`, `send_failed`, ... */
  readonly reason?: string;
  readonly error?: string;
  readonly warnings?: readonly string[];
  /** Destination or provider, when the publisher named one. */
  readonly provider?: string;
  /** The message's wire-format metadata. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface ChannelCounts {
  /** Messages the channel processed (a webhook message with two endpoints is one attempt). */
  readonly attempted: number;
  readonly sent: number;
  readonly skipped: number;
  readonly failed: number;
}

/** What `dispatchAlerts`, `publishAlerts` and `drainOutbox` resolve to. */
export interface PublishResult {
  readonly sent: readonly DeliveryRecord[];
  readonly skipped: readonly DeliveryRecord[];
  readonly failed: readonly DeliveryRecord[];
  /** Outbox items that ran out of attempts in this run (only `drainOutbox` fills it). */
  readonly deadLettered: readonly DeliveryRecord[];
  /** Counts per channel, in run order. */
  readonly channels: Readonly<Record<string, ChannelCounts>>;
  /** QuantPlatformKit-compatible report fields (§19.3). */
  toReportFields(): Record<string, JsonValue>;
}

function isDropped(value: unknown): boolean {
  return (
    value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

function toJson(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      if (v !== undefined) out[k] = toJson(v);
    return out;
  }
  return value === undefined ? null : String(value);
}

/** One delivery as reported: `{alert_key, subject, status, reason, error, provider, ...metadata}`, empties dropped. */
export function deliveryReportEntry(record: DeliveryRecord): Record<string, JsonValue> {
  const error = record.status === 'sent' ? (record.warnings ?? []).join('; ') : (record.error ?? '');
  const entry: Record<string, unknown> = {
    alert_key: record.alertKey,
    subject: record.subject,
    status: record.status,
    reason: record.reason ?? null,
    error,
    provider: record.provider ?? null,
    ...record.metadata,
  };
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(entry)) if (!isDropped(value)) out[key] = toJson(value);
  return out;
}

/** Builds a {@link PublishResult} from records in run order. */
export function buildPublishResult(
  channelOrder: readonly string[],
  attempted: ReadonlyMap<string, number>,
  records: readonly DeliveryRecord[],
  deadLettered: readonly DeliveryRecord[] = [],
): PublishResult {
  const sent = records.filter((r) => r.status === 'sent');
  const skipped = records.filter((r) => r.status === 'skipped');
  const failed = records.filter((r) => r.status === 'failed');
  const channels: Record<string, ChannelCounts> = {};
  for (const channel of channelOrder) {
    const mine = records.filter((r) => r.channel === channel);
    channels[channel] = {
      attempted: attempted.get(channel) ?? 0,
      sent: mine.filter((r) => r.status === 'sent').length,
      skipped: mine.filter((r) => r.status === 'skipped').length,
      failed: mine.filter((r) => r.status === 'failed').length,
    };
  }
  return {
    sent,
    skipped,
    failed,
    deadLettered,
    channels,
    toReportFields() {
      const fields: Record<string, JsonValue> = {};
      for (const channel of channelOrder) {
        const counts = channels[channel] as ChannelCounts;
        const prefix = `strategy_plugin_alert_${channel}`;
        fields[`${prefix}_attempted_count`] = counts.attempted;
        fields[`${prefix}_sent_count`] = counts.sent;
        fields[`${prefix}_skipped_count`] = counts.skipped;
        fields[`${prefix}_failed_count`] = counts.failed;
        const deliveries = records.filter((r) => r.channel === channel).map(deliveryReportEntry);
        if (deliveries.length > 0) fields[`${prefix}_deliveries`] = deliveries;
      }
      return fields;
    },
  };
}
