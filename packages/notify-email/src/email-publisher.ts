import {
  type AlertMessage,
  createRedactor,
  DeliveryError,
  type DeliveryOutcome,
  failedOutcome,
  pacedDelivery,
  type Publisher,
  type PublisherRuntime,
  parseOptions,
  type Redactor,
  realSleep,
  retryLogger,
  type SendContext,
} from '@keel/notify';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { type EmailOptions, EmailOptionsSchema, type ResolvedEmailOptions } from './options.js';
import { renderEmailHtml } from './render-html.js';

/** Test and embedding hooks; production code leaves these unset. */
export type EmailRuntime = Pick<PublisherRuntime, 'sleep'>;

// Connection-level failures worth another try; `EAUTH`, `EENVELOPE`, `EMESSAGE` are not.
const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNRESET',
  'ECONNREFUSED',
]);

function transportOptions(opts: ResolvedEmailOptions): SMTPTransport.Options {
  return {
    host: opts.host ?? '',
    port: opts.port ?? (opts.secure ? 465 : 587),
    secure: opts.secure,
    requireTLS: opts.requireTLS,
    ignoreTLS: opts.ignoreTLS,
    tls: {
      rejectUnauthorized: opts.tls.rejectUnauthorized,
      ...(opts.tls.servername === undefined ? {} : { servername: opts.tls.servername }),
    },
    ...(opts.user === undefined ? {} : { auth: { user: opts.user, pass: opts.password ?? '' } }),
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
    // nodemailer's own logger would print the SMTP conversation, AUTH included.
    logger: false,
    debug: false,
  };
}

/**
 * Wraps a nodemailer failure as a `DeliveryError`: SMTP 4xx replies and connection failures are
 * retryable, 5xx replies (bad recipient, auth rejected) are not. The message is redacted here.
 */
function toDeliveryError(error: unknown, redact: Redactor): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const e = error as { code?: unknown; responseCode?: unknown; message?: unknown };
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const retryable =
    responseCode !== undefined
      ? responseCode >= 400 && responseCode < 500
      : code !== undefined && TRANSIENT_CODES.has(code);
  const text = typeof e.message === 'string' ? e.message : String(error);
  return new DeliveryError(
    code === 'ETIMEDOUT' ? 'TIMEOUT' : 'SEND_FAILED',
    `smtp ${code ?? 'error'}: ${text}`.slice(0, 300),
    {
      retryable,
      ...(responseCode === undefined ? {} : { status: responseCode }),
      redact,
      cause: error,
    },
  );
}

/** Rejects when `signal` aborts; nodemailer has no abort support, so the send is raced instead. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted)
    return Promise.reject(new DeliveryError('SEND_FAILED', 'send aborted', { retryable: false }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(new DeliveryError('SEND_FAILED', 'send aborted', { retryable: false }));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * An SMTP email publisher (nodemailer): one message per alert to the `to` list (plus `cc`/`bcc`),
 * plain text and an HTML alternative, UTF-8 subject. Missing `host`, `from` or `to` (or a `user`
 * without `password`) make `missingConfig()` non-empty instead of throwing.
 */
export function createEmailPublisher(options: EmailOptions = {}, runtime: EmailRuntime = {}): Publisher {
  const opts = parseOptions(EmailOptionsSchema, options, 'email', { secretFields: ['password'] });
  const secrets = opts.password === undefined ? [] : [opts.password];
  const ownRedact = createRedactor(secrets);
  const sleep = runtime.sleep ?? realSleep;
  let transport: Transporter<SMTPTransport.SentMessageInfo> | undefined;
  const provider = `email:${opts.host ?? ''}`;

  const sendOnce = async (message: AlertMessage, ctx: SendContext, redact: Redactor): Promise<void> => {
    transport ??= nodemailer.createTransport(transportOptions(opts));
    let info: SMTPTransport.SentMessageInfo;
    try {
      info = await abortable(
        transport.sendMail({
          from: opts.from ?? '',
          to: opts.to,
          ...(opts.cc.length === 0 ? {} : { cc: opts.cc }),
          ...(opts.bcc.length === 0 ? {} : { bcc: opts.bcc }),
          ...(opts.replyTo === undefined ? {} : { replyTo: opts.replyTo }),
          subject: message.subject,
          text: message.body,
          ...(opts.html ? { html: renderEmailHtml(message.subject, message.body, message.locale) } : {}),
          textEncoding: 'base64',
          headers: { 'X-Keel-Alert-Key': message.alertKey },
        }),
        ctx.signal,
      );
    } catch (error) {
      throw toDeliveryError(error, redact);
    }
    if (info.accepted.length === 0) {
      throw new DeliveryError(
        'SEND_FAILED',
        `smtp server accepted none of ${info.rejected.length} recipients`,
        {
          retryable: false,
          redact,
        },
      );
    }
    if (info.rejected.length > 0) {
      ctx.log.warn('email recipients rejected', { provider, rejected: info.rejected.length });
    }
  };

  return {
    channel: 'email',
    secrets,
    missingConfig() {
      const missing: string[] = [];
      if (opts.host === undefined) missing.push('host');
      if (opts.from === undefined) missing.push('from');
      if (opts.to.length === 0) missing.push('to');
      if (opts.user !== undefined && opts.password === undefined) missing.push('password');
      return missing;
    },
    async send(message: AlertMessage, ctx: SendContext): Promise<readonly DeliveryOutcome[]> {
      const redact = (text: string): string => ctx.redact(ownRedact(text));
      try {
        // No per-destination bucket: one SMTP submission carries every recipient.
        await pacedDelivery(() => sendOnce(message, ctx, redact), {
          ...opts.retry,
          signal: ctx.signal,
          sleep,
          onRetry: retryLogger(ctx.log, 'email send retry', provider, redact),
        });
        return [{ ok: true, provider }];
      } catch (error) {
        return [failedOutcome(provider, error, redact)];
      }
    },
    async close() {
      transport?.close();
      transport = undefined;
    },
  };
}
