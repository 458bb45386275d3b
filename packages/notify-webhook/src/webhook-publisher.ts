import {
  type AlertMessage,
  createRedactor,
  createTokenBucketPool,
  DeliveryError,
  type DeliveryOutcome,
  failedOutcome,
  pacedDelivery,
  parseOptions,
  parseRetryAfter,
  type Publisher,
  type PublisherRuntime,
  type Redactor,
  realSleep,
  retryLogger,
  type SendContext,
  sendHttp,
} from '@keel/notify';
import { type ResolvedWebhookOptions, type WebhookOptions, WebhookOptionsSchema } from './options.js';
import { buildWebhookPayload } from './presets.js';
import { SIGNATURE_HEADER, signWebhookBody, TIMESTAMP_HEADER } from './signature.js';

/** Test and embedding hooks; production code leaves these unset. */
export type WebhookRuntime = PublisherRuntime;

type ResolvedEndpoint = ResolvedWebhookOptions['endpoints'][number] & { readonly label: string };

/** `name`, else the preset, numbered (`slack-2`) when a preset is used by several unnamed endpoints. */
function labelEndpoints(endpoints: ResolvedWebhookOptions['endpoints']): ResolvedEndpoint[] {
  const seen = new Map<string, number>();
  return endpoints.map((endpoint) => {
    if (endpoint.name !== undefined) return { ...endpoint, label: endpoint.name };
    const n = (seen.get(endpoint.preset) ?? 0) + 1;
    seen.set(endpoint.preset, n);
    return { ...endpoint, label: n === 1 ? endpoint.preset : `${endpoint.preset}-${n}` };
  });
}

/**
 * A webhook publisher: one signed JSON POST per configured endpoint, one outcome per endpoint
 * (`provider: webhook:<name>`), so the dispatcher writes the marker when any endpoint succeeded.
 */
export function createWebhookPublisher(
  options: WebhookOptions = {},
  runtime: WebhookRuntime = {},
): Publisher {
  const opts = parseOptions(WebhookOptionsSchema, options, 'webhook', {
    secretFields: ['secret', 'url', 'headers'],
  });
  const endpoints = labelEndpoints(opts.endpoints);
  const secrets = [
    ...new Set(
      endpoints.flatMap((e) => [
        e.url,
        ...credentialPath(e.url, e.preset),
        ...(e.secret === undefined ? [] : [e.secret]),
        ...Object.values(e.headers),
      ]),
    ),
  ].filter((s) => s !== '');
  const ownRedact = createRedactor(secrets);
  const sleep = runtime.sleep ?? realSleep;
  const buckets = createTokenBucketPool({
    capacity: opts.rateLimit.burst,
    refillPerSecond: opts.rateLimit.perSecond,
    sleep,
    ...(runtime.now === undefined ? {} : { now: runtime.now }),
  });

  const post = async (
    endpoint: ResolvedEndpoint,
    body: string,
    ctx: SendContext,
    redact: Redactor,
  ): Promise<void> => {
    // Signed per try, so a retry after a long pause still falls inside the receiver's window.
    const timestamp = String(Math.floor(ctx.now() / 1000));
    const headers: Record<string, string> = {
      ...endpoint.headers,
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'keel-notify-webhook',
      [TIMESTAMP_HEADER]: timestamp,
      ...(endpoint.secret === undefined
        ? {}
        : { [SIGNATURE_HEADER]: signWebhookBody(endpoint.secret, timestamp, body) }),
    };
    const res = await sendHttp(
      endpoint.url,
      { method: 'POST', headers, body },
      { timeoutMs: opts.timeoutMs, signal: ctx.signal, redact },
    );
    if (res.status >= 200 && res.status < 300) return;
    const retryAfterMs =
      parseRetryAfter(res.headers.get('retry-after'), ctx.now()) ?? jsonRetryAfter(res.text);
    throw new DeliveryError(
      res.status === 429 ? 'RATE_LIMITED' : 'SEND_FAILED',
      `webhook ${endpoint.label} answered HTTP ${res.status}: ${res.text.replace(/\s+/g, ' ').slice(0, 200)}`,
      { status: res.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), redact },
    );
  };

  const sendTo = async (
    endpoint: ResolvedEndpoint,
    message: AlertMessage,
    ctx: SendContext,
    redact: Redactor,
  ): Promise<DeliveryOutcome> => {
    const provider = `webhook:${endpoint.label}`;
    const body = JSON.stringify(buildWebhookPayload(message, endpoint.preset, opts.maxLength));
    try {
      await pacedDelivery(() => post(endpoint, body, ctx, redact), {
        ...opts.retry,
        bucket: buckets.get(endpoint.label),
        signal: ctx.signal,
        sleep,
        onRetry: retryLogger(ctx.log, 'webhook send retry', provider, redact),
      });
      return { ok: true, provider };
    } catch (error) {
      return failedOutcome(provider, error, redact);
    }
  };

  return {
    channel: 'webhook',
    secrets,
    missingConfig: () => (endpoints.length === 0 ? ['endpoints'] : []),
    async send(message: AlertMessage, ctx: SendContext): Promise<readonly DeliveryOutcome[]> {
      const redact = (text: string): string => ctx.redact(ownRedact(text));
      return Promise.all(endpoints.map((endpoint) => sendTo(endpoint, message, ctx, redact)));
    },
  };
}

// Slack (`/services/T/B/token`) and Discord (`/api/webhooks/id/token`) URLs carry their credential in
// the path, which servers echo back without the host, so the path alone is a secret too.
function credentialPath(url: string, preset: string): string[] {
  if (preset === 'generic') return [];
  const { pathname, search } = new URL(url);
  return pathname.length > 1 ? [`${pathname}${search}`] : [];
}

// Discord puts `retry_after` (seconds, fractional) in its 429 body as well as the header.
function jsonRetryAfter(text: string): number | undefined {
  try {
    const value = (JSON.parse(text) as { retry_after?: unknown } | null)?.retry_after;
    return typeof value === 'number' ? parseRetryAfter(value) : undefined;
  } catch {
    return undefined;
  }
}
