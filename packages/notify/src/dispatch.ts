import type { Logger } from '@keel/contract';
import { z } from 'zod';
import {
  channelNamespaces,
  DEFAULT_CHANNELS,
  orderChannels,
  parseChannelList,
  STANDARD_CHANNELS,
} from './channels.js';
import { type AlertContextParts, buildAlertContextLabel, withContextPrefix } from './context-label.js';
import { type ChannelRuntime, makeRecord, noopLogger, processMessage } from './deliver.js';
import { describeError, NotifyConfigError } from './errors.js';
import type { MarkerStore } from './marker-store.js';
import { parseOptions } from './parse-options.js';
import type { Outbox, OutboxItem } from './outbox.js';
import type { AlertMessage, Publisher } from './publisher.js';
import {
  type ChannelRateLimits,
  createChannelRateLimits,
  isChannelRateLimits,
  type RateLimitsConfig,
  RateLimitsConfigSchema,
} from './rate-limit.js';
import { createRedactor } from './redact.js';
import { buildPublishResult, type DeliveryRecord, type PublishResult } from './report.js';
import type { Sleep } from './sleep.js';

const fn = <T>() => z.custom<T>((v) => typeof v === 'function');

const PublisherSchema = z.custom<Publisher>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Publisher).channel === 'string' &&
    typeof (v as Publisher).send === 'function' &&
    typeof (v as Publisher).missingConfig === 'function' &&
    Array.isArray((v as Publisher).secrets),
  { message: 'expected a Publisher ({ channel, send, missingConfig, secrets })' },
);

const MarkerStoreSchema = z.custom<MarkerStore>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as MarkerStore).has === 'function' &&
    typeof (v as MarkerStore).record === 'function',
  { message: 'expected a MarkerStore ({ has, record })' },
);

/**
 * Options shared by {@link dispatchAlerts}, {@link publishAlerts} and {@link drainOutbox}. Env-friendly
 * names: `KEEL_ALERT_CHANNELS` → `channels`, `KEEL_ALERT_MARKER_TTL_MS` → `markerTtlMs`,
 * `KEEL_ALERT_SEND_TIMEOUT_MS` → `sendTimeoutMs`, `KEEL_ALERT_RATE_LIMIT_MODE` → `rateLimitMode`.
 */
export const DispatchOptionsSchema = z.object({
  publishers: z.array(PublisherSchema),
  markers: MarkerStoreSchema,
  /** Channel selection (§19.1): list or `,`/`;`/newline separated string. Default: see each function. */
  channels: z.union([z.string(), z.array(z.string())]).optional(),
  /** Platform context (§19.6): a label or its parts; prefixes subjects as `[context] `. */
  context: z
    .union([
      z.string(),
      z.object({
        platform: z.string().nullish(),
        account: z.string().nullish(),
        deployment: z.string().nullish(),
        service: z.string().nullish(),
        strategy: z.string().nullish(),
      }),
    ])
    .optional(),
  /** Clock in epoch ms (injectable). */
  now: fn<() => number>().optional(),
  log: z
    .custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).info === 'function')
    .optional(),
  /** Cancels the run: the call rejects with the signal's reason; markers already written stay. */
  signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal).optional(),
  /** Markers older than this count as absent (§19.8). Default: permanent. */
  markerTtlMs: z.number().int().positive().optional(),
  /** Per-channel limits; pass a `createChannelRateLimits(...)` result to keep windows across runs. */
  rateLimits: z.union([z.custom<ChannelRateLimits>(isChannelRateLimits), RateLimitsConfigSchema]).optional(),
  /** `skip` (default, §19.8): over-limit messages are skipped as `rate_limited` (and queued); `wait`: paced. */
  rateLimitMode: z.enum(['skip', 'wait']).default('skip'),
  /** Bounded in-run retries with exponential back-off and jitter; `attempts: 1` disables them. */
  retry: z
    .object({
      attempts: z.number().int().min(1).max(10).default(3),
      baseMs: z.number().min(0).default(500),
      maxMs: z.number().min(0).default(10_000),
    })
    .default({ attempts: 3, baseMs: 500, maxMs: 10_000 }),
  /** Per-send timeout; 0 disables. Default 30 s. */
  sendTimeoutMs: z.number().int().min(0).default(30_000),
  /** Persistent outbox: failed (retryable) and rate-limited deliveries are queued there. */
  outbox: z
    .custom<Outbox>((v) => typeof v === 'object' && v !== null && typeof (v as Outbox).enqueue === 'function')
    .optional(),
  sleep: fn<Sleep>().optional(),
  random: fn<() => number>().optional(),
});
export type DispatchOptions = z.input<typeof DispatchOptionsSchema>;
type ParsedDispatch = z.output<typeof DispatchOptionsSchema>;

export const PublishOptionsSchema = DispatchOptionsSchema.extend({
  /** Builds the channel's messages with its namespace (§19.1), e.g. `buildAlertMessages(signals, { namespace })`. */
  buildMessages: fn<(namespace: string, channel: string) => readonly AlertMessage[]>(),
});
export type PublishOptions = z.input<typeof PublishOptionsSchema>;

interface RunSetup {
  readonly opts: ParsedDispatch;
  readonly publishers: ReadonlyMap<string, Publisher>;
  readonly rateLimits: ChannelRateLimits | undefined;
  readonly log: Logger;
  readonly now: () => number;
  readonly context: string;
}

function setup(opts: ParsedDispatch): RunSetup {
  const publishers = new Map<string, Publisher>();
  for (const publisher of opts.publishers) {
    const channel = publisher.channel.trim().toLowerCase();
    if (publishers.has(channel)) {
      throw new NotifyConfigError(
        'INVALID_OPTIONS',
        `publishers: two publishers for channel ${JSON.stringify(channel)}`,
        {
          field: 'publishers',
          value: channel,
        },
      );
    }
    publishers.set(channel, publisher);
  }
  const now = opts.now ?? Date.now;
  let rateLimits: ChannelRateLimits | undefined;
  if (opts.rateLimits !== undefined) {
    rateLimits = isChannelRateLimits(opts.rateLimits)
      ? opts.rateLimits
      : createChannelRateLimits(opts.rateLimits as RateLimitsConfig, {
          now,
          ...(opts.sleep === undefined ? {} : { sleep: opts.sleep }),
        });
  }
  const context =
    opts.context === undefined
      ? ''
      : typeof opts.context === 'string'
        ? opts.context.trim()
        : buildAlertContextLabel(opts.context as AlertContextParts);
  return { opts, publishers, rateLimits, log: opts.log ?? noopLogger, now, context };
}

function runtimeFor(run: RunSetup, channel: string): ChannelRuntime {
  const publisher = run.publishers.get(channel);
  return {
    channel,
    publisher,
    namespaces: channelNamespaces(channel),
    redact: createRedactor(publisher?.secrets ?? []),
    markers: run.opts.markers,
    markerTtlMs: run.opts.markerTtlMs,
    rateLimit: run.rateLimits?.forChannel(channel),
    rateLimitMode: run.opts.rateLimitMode,
    retry: run.opts.retry,
    sendTimeoutMs: run.opts.sendTimeoutMs,
    signal: run.opts.signal,
    log: run.log,
    now: run.now,
    sleep: run.opts.sleep,
    random: run.opts.random,
  };
}

function missingConfigOf(rt: ChannelRuntime): readonly string[] {
  if (rt.publisher === undefined) return ['publisher'];
  try {
    return rt.publisher.missingConfig();
  } catch {
    return ['config'];
  }
}

/** Runs one channel over its messages (§19.2) and returns its records. */
async function runChannel(
  run: RunSetup,
  channel: string,
  messages: readonly AlertMessage[],
): Promise<DeliveryRecord[]> {
  const rt = runtimeFor(run, channel);
  const records: DeliveryRecord[] = [];
  const prepared = run.context === '' ? messages : messages.map((m) => withContextPrefix(m, run.context));
  const missing = missingConfigOf(rt);
  if (missing.length > 0) {
    const reason = `missing_${channel}_config`;
    for (const message of prepared)
      records.push(makeRecord(rt, message, 'skipped', { reason, error: missing.join(',') }));
  } else {
    const publisher = rt.publisher as Publisher;
    for (const message of prepared) {
      if (run.opts.signal?.aborted) throw run.opts.signal.reason;
      const result = await processMessage(rt, publisher, message);
      records.push(...result.records);
      const queue =
        run.opts.outbox !== undefined &&
        result.retryable &&
        (result.status === 'failed' || result.records[0]?.reason === 'rate_limited');
      if (queue) {
        const rateLimited = result.status === 'skipped';
        let warning: string;
        try {
          const item = (run.opts.outbox as Outbox).enqueue({
            channel,
            markerNamespace: rt.namespaces.markerNamespace,
            message,
            reason: rateLimited ? 'rate_limited' : 'send_failed',
            error: result.error,
            retryAfterMs: result.retryAfterMs,
            attempted: !rateLimited,
          });
          // A key already dead-lettered stays dead: say so rather than claim it was queued.
          warning = item.status === 'dead' ? 'outbox_dead_letter' : 'queued_in_outbox';
        } catch (error) {
          // A busy or broken outbox must not abort the run: the other messages still go out.
          warning = `outbox_enqueue_failed: ${describeError(error, rt.redact)}`;
        }
        const last = records.pop() as DeliveryRecord;
        records.push({ ...last, warnings: [...(last.warnings ?? []), warning] });
      }
    }
  }
  if (prepared.length > 0) {
    const mine = { sent: 0, skipped: 0, failed: 0 };
    for (const r of records) mine[r.status]++;
    run.log.info('alerts.publish.result', { channel, attempted: prepared.length, ...mine });
  }
  return records;
}

async function runAll(
  run: RunSetup,
  order: readonly string[],
  messagesFor: (channel: string) => readonly AlertMessage[],
): Promise<PublishResult> {
  const records: DeliveryRecord[] = [];
  const attempted = new Map<string, number>();
  for (const channel of order) {
    const messages = messagesFor(channel);
    attempted.set(channel, messages.length);
    records.push(...(await runChannel(run, channel, messages)));
  }
  return buildPublishResult(order, attempted, records);
}

/**
 * Sends already-built alerts to every publisher's channel (or the selected `channels`), in the fixed
 * channel order, de-duplicating per channel through the marker store. Resolves to per-channel
 * diagnostics; never rejects because of a send (only for bad options or cancellation).
 */
export async function dispatchAlerts(
  alerts: readonly AlertMessage[],
  options: DispatchOptions,
): Promise<PublishResult> {
  const run = setup(parseOptions(DispatchOptionsSchema, options, 'dispatchAlerts'));
  const present = [...run.publishers.keys()];
  const selected =
    run.opts.channels === undefined
      ? present
      : parseChannelList(run.opts.channels, { extraChannels: present });
  return runAll(run, orderChannels(selected), () => alerts);
}

/**
 * The §19 publishing entry point: for each selected channel (default: email, sms, push, telegram, plus
 * webhook when a configured webhook publisher is present, plus any custom publishers such as console or
 * file), builds that channel's messages with its namespace and dispatches them.
 */
export async function publishAlerts(options: PublishOptions): Promise<PublishResult> {
  const opts = parseOptions(PublishOptionsSchema, options, 'publishAlerts');
  const run = setup(opts);
  const present = [...run.publishers.keys()];
  let selected: string[];
  if (opts.channels !== undefined) {
    selected = parseChannelList(opts.channels, { extraChannels: present });
  } else {
    selected = [...DEFAULT_CHANNELS];
    const webhook = run.publishers.get('webhook');
    if (webhook !== undefined && webhook.missingConfig().length === 0) selected.push('webhook');
    for (const channel of present) {
      if (!(STANDARD_CHANNELS as readonly string[]).includes(channel)) selected.push(channel);
    }
  }
  return runAll(run, orderChannels(selected), (channel) =>
    opts.buildMessages(channelNamespaces(channel).messageNamespace, channel),
  );
}

export const DrainOutboxOptionsSchema = DispatchOptionsSchema.omit({
  channels: true,
  context: true,
  outbox: true,
}).extend({
  /** Most items to try in this drain. Default 100. */
  limit: z.number().int().positive().default(100),
});
export type DrainOutboxOptions = z.input<typeof DrainOutboxOptionsSchema>;

/**
 * Tries the due outbox items once each. Before every attempt the marker store is checked again, so an
 * alert sent meanwhile (by a later run, another host or a QuantPlatformKit platform) is dropped as
 * `duplicate_alert`. Failures are rescheduled with back-off or, after the last attempt, dead-lettered
 * and listed in `deadLettered`.
 */
/** How long an outbox item whose key another sender is delivering waits before it is looked at again. */
const IN_FLIGHT_RECHECK_MS = 30_000;

export async function drainOutbox(outbox: Outbox, options: DrainOutboxOptions): Promise<PublishResult> {
  const opts = parseOptions(DrainOutboxOptionsSchema, options, 'drainOutbox');
  const run = setup({ ...opts, rateLimitMode: opts.rateLimitMode } as ParsedDispatch);
  const records: DeliveryRecord[] = [];
  const dead: DeliveryRecord[] = [];
  const attempted = new Map<string, number>();
  const runtimes = new Map<string, ChannelRuntime>();
  const claimed = outbox.claimDue(opts.limit);
  // Items claimed but not yet tried are put back if the drain stops early (abort, store error), so
  // they are not hidden from the next drain for the whole claim lease.
  let next = 0;
  try {
    for (const item of claimed) {
      next++;
      let rt = runtimes.get(item.channel);
      if (rt === undefined) {
        rt = runtimeFor(run, item.channel);
        runtimes.set(item.channel, rt);
      }
      // The item's own namespace wins: it was queued under it, whatever the channel table says today.
      rt = { ...rt, namespaces: { ...rt.namespaces, markerNamespace: item.markerNamespace } };
      attempted.set(item.channel, (attempted.get(item.channel) ?? 0) + 1);
      const missing = missingConfigOf(rt);
      if (missing.length > 0) {
        const record = makeRecord(rt, item.message, 'failed', {
          reason: `missing_${item.channel}_config`,
          error: missing.join(','),
        });
        records.push(record);
        if (outbox.fail(item.id, record.error ?? '').state === 'dead')
          dead.push({ ...record, reason: 'dead_lettered' });
        continue;
      }
      let result: Awaited<ReturnType<typeof processMessage>>;
      try {
        result = await processMessage(rt, rt.publisher as Publisher, item.message, 1);
      } catch (error) {
        outbox.release(item.id, run.now());
        throw error;
      }
      records.push(...result.records);
      if (result.status === 'sent' || result.records[0]?.reason === 'duplicate_alert') {
        outbox.complete(item.id);
      } else if (result.records[0]?.reason === 'rate_limited') {
        outbox.release(item.id, run.now() + (result.retryAfterMs ?? 0));
      } else if (result.records[0]?.reason === 'in_flight') {
        // Another sender holds this key right now: look again after its send has had time to finish.
        outbox.release(item.id, run.now() + IN_FLIGHT_RECHECK_MS);
      } else if (!result.retryable) {
        // Retrying cannot help (e.g. 401): dead-letter at once rather than burn the remaining attempts.
        outbox.deadLetter(item.id, result.error ?? 'send_failed');
        dead.push(...result.records.map((r) => ({ ...r, reason: 'dead_lettered' })));
      } else if (outbox.fail(item.id, result.error ?? 'send_failed', result.retryAfterMs).state === 'dead') {
        dead.push(...result.records.map((r) => ({ ...r, reason: 'dead_lettered' })));
      }
    }
  } finally {
    const now = run.now();
    for (let i = next; i < claimed.length; i++) outbox.release((claimed[i] as OutboxItem).id, now);
  }
  const order = orderChannels([...attempted.keys()]);
  for (const channel of order) {
    const mine = records.filter((r) => r.channel === channel);
    run.log.info('alerts.outbox.drain.result', {
      channel,
      attempted: attempted.get(channel) ?? 0,
      sent: mine.filter((r) => r.status === 'sent').length,
      skipped: mine.filter((r) => r.status === 'skipped').length,
      failed: mine.filter((r) => r.status === 'failed').length,
    });
  }
  for (const d of dead)
    run.log.warn('alerts.outbox.dead_letter', { channel: d.channel, alert_key: d.alertKey, error: d.error });
  return buildPublishResult(order, attempted, records, dead);
}
