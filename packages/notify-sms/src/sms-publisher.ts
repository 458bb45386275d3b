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
import { formatSmsMessages } from './format-sms.js';
import { type SmsOptions, SmsOptionsSchema } from './options.js';

/** Test and embedding hooks; production code leaves these unset. */
export type SmsRuntime = PublisherRuntime;

/**
 * An SMS publisher for the Twilio Messages API (and compatible gateways): one form-encoded POST per
 * recipient and message part, Basic auth with account SID and auth token, each number paced by its
 * own token bucket with bounded retries on 429/5xx/network errors.
 */
export function createSmsPublisher(options: SmsOptions = {}, runtime: SmsRuntime = {}): Publisher {
  const opts = parseOptions(SmsOptionsSchema, options, 'sms', { secretFields: ['authToken'] });
  const secrets = opts.authToken === undefined ? [] : [opts.authToken];
  const ownRedact = createRedactor(secrets);
  const sleep = runtime.sleep ?? realSleep;
  const buckets = createTokenBucketPool({
    capacity: opts.rateLimit.burst,
    refillPerSecond: opts.rateLimit.perSecond,
    sleep,
    ...(runtime.now === undefined ? {} : { now: runtime.now }),
  });

  const post = async (to: string, text: string, ctx: SendContext, redact: Redactor): Promise<void> => {
    const sid = opts.accountSid ?? '';
    const url = `${opts.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(sid)}/Messages.json`;
    const auth = Buffer.from(`${sid}:${opts.authToken ?? ''}`, 'utf8').toString('base64');
    const res = await sendHttp(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${auth}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ To: to, From: opts.from ?? '', Body: text }).toString(),
      },
      { timeoutMs: opts.timeoutMs, signal: ctx.signal, redact },
    );
    if (res.status >= 200 && res.status < 300) return;
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), ctx.now());
    throw new DeliveryError(
      res.status === 429 ? 'RATE_LIMITED' : 'SEND_FAILED',
      `sms to ${to} failed: HTTP ${res.status} ${describeTwilioError(res.text)}`,
      { status: res.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), redact },
    );
  };

  const sendTo = async (
    to: string,
    parts: readonly string[],
    ctx: SendContext,
    redact: Redactor,
  ): Promise<DeliveryOutcome> => {
    const provider = `sms:${to}`;
    for (const [index, text] of parts.entries()) {
      try {
        await pacedDelivery(() => post(to, text, ctx, redact), {
          ...opts.retry,
          bucket: buckets.get(to),
          signal: ctx.signal,
          sleep,
          onRetry: retryLogger(ctx.log, 'sms send retry', provider, redact),
        });
      } catch (error) {
        const where = parts.length > 1 ? ` (part ${index + 1}/${parts.length})` : '';
        return failedOutcome(provider, error, redact, where);
      }
    }
    return { ok: true, provider };
  };

  return {
    channel: 'sms',
    secrets,
    missingConfig() {
      const missing: string[] = [];
      if (opts.accountSid === undefined) missing.push('accountSid');
      if (opts.authToken === undefined) missing.push('authToken');
      if (opts.from === undefined) missing.push('from');
      if (opts.to.length === 0) missing.push('to');
      return missing;
    },
    async send(message: AlertMessage, ctx: SendContext): Promise<readonly DeliveryOutcome[]> {
      const redact = (text: string): string => ctx.redact(ownRedact(text));
      const parts = formatSmsMessages(message, opts.maxLength, opts.segmentLength);
      if (parts.length === 0) {
        return opts.to.map((to) => ({
          ok: false,
          provider: `sms:${to}`,
          error: 'empty message',
          retryable: false,
        }));
      }
      return Promise.all(opts.to.map((to) => sendTo(to, parts, ctx, redact)));
    },
  };
}

// Twilio errors are `{ code, message, more_info, status }`; other gateways may send plain text.
function describeTwilioError(text: string): string {
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown } | null;
    if (body && typeof body.message === 'string') {
      return `${body.code === undefined ? '' : `${String(body.code)} `}${body.message}`.slice(0, 200);
    }
  } catch {
    // not JSON
  }
  return text.replace(/\s+/g, ' ').slice(0, 200);
}
