import { describeError, isRetryable, retryAfterOf } from './errors.js';
import type { DeliveryOutcome } from './publisher.js';
import type { Redactor } from './redact.js';

/**
 * The `DeliveryOutcome` for a send that finally failed: the redacted `<ErrorName>: <message>` (plus
 * `detail`, e.g. ` (part 2/3)`), whether retrying can help and the provider's requested wait. Channel
 * publishers report failures this way so the dispatcher and the outbox can decide about a retry
 * without knowing the channel.
 */
export function failedOutcome(
  provider: string,
  error: unknown,
  redact: Redactor,
  detail = '',
): DeliveryOutcome {
  const retryAfterMs = retryAfterOf(error);
  return {
    ok: false,
    provider,
    error: `${describeError(error, redact)}${detail}`,
    retryable: isRetryable(error),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}
