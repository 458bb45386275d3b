import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Keel-Signature';
export const TIMESTAMP_HEADER = 'X-Keel-Timestamp';

/** `sha256=` + hex HMAC-SHA256 of `${timestamp}.${body}`: the timestamp is signed so a replay cannot re-date it. */
export function signWebhookBody(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export interface VerifyWebhookSignatureInput {
  readonly secret: string;
  /** The raw request body, exactly as received (re-serialised JSON will not verify). */
  readonly body: string;
  /** `X-Keel-Timestamp` header value (unix seconds). */
  readonly timestamp: string | null | undefined;
  /** `X-Keel-Signature` header value (`sha256=<hex>`). */
  readonly signature: string | null | undefined;
  /** Largest accepted clock difference in seconds, either direction. Default 300. */
  readonly toleranceSeconds?: number;
  /** Receiver's clock in epoch ms. Default `Date.now()`. */
  readonly now?: number;
}

export type WebhookSignatureFailure =
  | 'missing_header'
  | 'bad_timestamp'
  | 'stale_timestamp'
  | 'bad_signature';

export type VerifyWebhookSignatureResult =
  | { readonly ok: true; readonly timestamp: number }
  | { readonly ok: false; readonly reason: WebhookSignatureFailure };

/**
 * Checks a Keel webhook request for receivers: the signature must match (constant-time compare) and
 * the timestamp must be within the tolerance window, which bounds how long a captured request can be
 * replayed.
 */
export function verifyWebhookSignature(input: VerifyWebhookSignatureInput): VerifyWebhookSignatureResult {
  const { timestamp, signature } = input;
  if (timestamp == null || signature == null || timestamp === '' || signature === '') {
    return { ok: false, reason: 'missing_header' };
  }
  if (!/^\d{1,12}$/.test(timestamp.trim())) return { ok: false, reason: 'bad_timestamp' };
  const seconds = Number(timestamp.trim());
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - seconds) > (input.toleranceSeconds ?? 300)) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  const expected = Buffer.from(signWebhookBody(input.secret, timestamp.trim(), input.body), 'utf8');
  const given = Buffer.from(signature.trim(), 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'bad_signature' };
  }
  return { ok: true, timestamp: seconds };
}
