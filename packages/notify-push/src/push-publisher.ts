import {
  type AlertMessage,
  createRedactor,
  createTokenBucket,
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
import { type PushOptions, PushOptionsSchema } from './options.js';
import { buildPushPayload } from './push-payload.js';

/** Test and embedding hooks; production code leaves these unset. */
export type PushRuntime = PublisherRuntime;

/**
 * An ntfy-compatible push publisher: one JSON publish per alert to the configured topic (title,
 * message, priority, tags), paced per topic, with bounded retries on 429/5xx/network errors.
 */
export function createPushPublisher(options: PushOptions = {}, runtime: PushRuntime = {}): Publisher {
  const opts = parseOptions(PushOptionsSchema, options, 'push', { secretFields: ['token', 'password'] });
  const secrets = [opts.token, opts.password].filter((s): s is string => s !== undefined);
  const ownRedact = createRedactor(secrets);
  const sleep = runtime.sleep ?? realSleep;
  const bucket = createTokenBucket({
    capacity: opts.rateLimit.burst,
    refillPerSecond: opts.rateLimit.perSecond,
    sleep,
    ...(runtime.now === undefined ? {} : { now: runtime.now }),
  });
  const authorization =
    opts.token !== undefined
      ? `Bearer ${opts.token}`
      : opts.user !== undefined && opts.password !== undefined
        ? `Basic ${Buffer.from(`${opts.user}:${opts.password}`, 'utf8').toString('base64')}`
        : undefined;

  const post = async (body: string, ctx: SendContext, redact: Redactor): Promise<void> => {
    const res = await sendHttp(
      `${opts.baseUrl.replace(/\/+$/, '')}/`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization === undefined ? {} : { authorization }),
        },
        body,
      },
      { timeoutMs: opts.timeoutMs, signal: ctx.signal, redact },
    );
    if (res.status >= 200 && res.status < 300) return;
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), ctx.now());
    throw new DeliveryError(
      res.status === 429 ? 'RATE_LIMITED' : 'SEND_FAILED',
      `push publish failed: HTTP ${res.status} ${res.text.replace(/\s+/g, ' ').slice(0, 200)}`,
      { status: res.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), redact },
    );
  };

  return {
    channel: 'push',
    secrets,
    missingConfig() {
      const missing: string[] = [];
      if (opts.topic === undefined) missing.push('topic');
      if (opts.user !== undefined && opts.password === undefined && opts.token === undefined)
        missing.push('password');
      return missing;
    },
    async send(message: AlertMessage, ctx: SendContext): Promise<readonly DeliveryOutcome[]> {
      const redact = (text: string): string => ctx.redact(ownRedact(text));
      const topic = opts.topic ?? '';
      const provider = `push:${topic}`;
      const body = JSON.stringify(buildPushPayload(message, opts, topic));
      try {
        await pacedDelivery(() => post(body, ctx, redact), {
          ...opts.retry,
          bucket,
          signal: ctx.signal,
          sleep,
          onRetry: retryLogger(ctx.log, 'push send retry', provider, redact),
        });
        return [{ ok: true, provider }];
      } catch (error) {
        return [failedOutcome(provider, error, redact)];
      }
    },
  };
}
