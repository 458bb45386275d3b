import type { Logger } from '@keel/contract';
import type { Sleep } from './sleep.js';

/**
 * One alert, ready to send. Built by `@keel/artifacts` (`buildAlertMessages`) for strategy signals,
 * or by plugins for their own alerts. `alertKey` identifies the alert for de-duplication.
 */
export interface AlertMessage {
  readonly alertKey: string;
  readonly subject: string;
  readonly body: string;
  /** BCP-47 locale the text is written in (`en-US`, `zh-CN`); channels may word their own parts in it. */
  readonly locale?: string;
  /** Wire-format metadata (snake_case keys), stored with the marker and shown in diagnostics. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** What the dispatcher hands a publisher for one send. */
export interface SendContext {
  /** Aborted when the dispatch is cancelled or the send exceeds its timeout. */
  readonly signal: AbortSignal;
  /** Redacts secrets (§19.5) from any text before it leaves the publisher. */
  readonly redact: (text: string) => string;
  readonly log: Logger;
  /** Wall clock in epoch ms (injectable for tests). */
  readonly now: () => number;
}

/** The outcome of delivering one message to one destination (a chat, a phone number, an endpoint). */
export interface DeliveryOutcome {
  readonly ok: boolean;
  /** Which destination or provider this outcome is for, e.g. `telegram:12345`, `webhook:slack`. */
  readonly provider?: string;
  /** Redacted failure text when `ok` is false. */
  readonly error?: string;
  /** Set when the provider asked us to wait (HTTP 429 `Retry-After`, Telegram `retry_after`). */
  readonly retryAfterMs?: number;
  /** False when retrying cannot help (4xx other than 408/429, bad config). */
  readonly retryable?: boolean;
}

/**
 * A delivery channel. `send` resolves to one outcome per destination it tried; it may also throw,
 * which the dispatcher records as `send_failed` with the redacted error text.
 */
export interface Publisher {
  /** `email`, `sms`, `push`, `telegram`, `webhook`, `console`, `file`, or a custom channel name. */
  readonly channel: string;
  /**
   * Names of required settings that are missing (empty when the channel is fully configured). A
   * non-empty list makes every message `skipped` with reason `missing_<channel>_config`.
   */
  missingConfig(): readonly string[];
  /** Configured secret values (tokens, passwords, webhook secrets), redacted by exact match everywhere. */
  readonly secrets: readonly string[];
  send(message: AlertMessage, ctx: SendContext): Promise<readonly DeliveryOutcome[]>;
  /** Releases connections and timers. */
  close?(): Promise<void>;
}

/**
 * Test and embedding hooks every channel publisher takes as its second argument; production code
 * leaves them unset.
 */
export interface PublisherRuntime {
  /** Sleep used for back-off and pacing (default: a real, abortable timer). */
  readonly sleep?: Sleep;
  /** Clock for the token buckets in ms (default `Date.now`). */
  readonly now?: () => number;
}
