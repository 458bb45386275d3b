import type { Logger } from '@keel/contract';
import { describeError } from './errors.js';
import type { Redactor } from './redact.js';

/**
 * An `onRetry` callback (for `retryWithBackoff` / `pacedDelivery`) that logs each retry as a warning
 * `event` with `{ provider, attempt, delayMs, error }`, the error redacted. Channels log retries
 * alike so one query finds every channel's struggling destinations.
 */
export function retryLogger(
  log: Logger,
  event: string,
  provider: string,
  redact: Redactor,
): (info: { error: unknown; attempt: number; delayMs: number }) => void {
  return ({ error, attempt, delayMs }) =>
    log.warn(event, { provider, attempt, delayMs, error: describeError(error, redact) });
}
