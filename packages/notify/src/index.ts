export type { ChannelNamespaces, ParseChannelListOptions, StandardChannel } from './channels.js';
export {
  BUILTIN_CHANNELS,
  channelNamespaces,
  DEFAULT_CHANNELS,
  isValidChannelName,
  orderChannels,
  parseChannelList,
  STANDARD_CHANNELS,
} from './channels.js';
export { cleanKey, pyTrim } from './clean-key.js';
export type { ConsolePublisherOptions, TextSink } from './console-publisher.js';
export {
  ConsolePublisherOptionsSchema,
  createConsolePublisher,
  formatAlertBlock,
} from './console-publisher.js';
export type { AlertContextParts } from './context-label.js';
export { buildAlertContextLabel, withContextPrefix } from './context-label.js';
export type { EnvSource } from './env-options.js';
export {
  readEnvBoolean,
  readEnvBooleanInto,
  readEnvList,
  readEnvNumber,
  readEnvNumberInto,
  readEnvText,
  splitEnvList,
} from './env-options.js';
export type { DispatchOptions, DrainOutboxOptions, PublishOptions } from './dispatch.js';
export {
  DispatchOptionsSchema,
  DrainOutboxOptionsSchema,
  dispatchAlerts,
  drainOutbox,
  PublishOptionsSchema,
  publishAlerts,
} from './dispatch.js';
export type {
  DeliveryErrorCode,
  DeliveryErrorOptions,
  NotifyConfigErrorCode,
  NotifyErrorCode,
  NotifyErrorOptions,
  NotifyRuntimeErrorCode,
} from './errors.js';
export { failedOutcome } from './failed-outcome.js';
export {
  DeliveryError,
  describeError,
  isRetryable,
  NotifyConfigError,
  NotifyError,
  retryAfterOf,
} from './errors.js';
export type { BucketClient, FileMarkerStoreOptions, MarkerBucketUri } from './file-marker-store.js';
export {
  createFileMarkerStore,
  FileMarkerStoreOptionsSchema,
  isMarkerBucketUri,
  markerObjectPath,
  parseMarkerBucketUri,
} from './file-marker-store.js';
export type { AlertFileLine, FilePublisherOptions } from './file-publisher.js';
export { createFilePublisher, FilePublisherOptionsSchema } from './file-publisher.js';
export { parseRetryAfter } from './http.js';
export { formatRecordedAt, markerDocument, sortedJson } from './marker-json.js';
export type {
  MarkerCheckOptions,
  MarkerLease,
  MarkerLeaseOptions,
  MarkerRecordOptions,
  MarkerStore,
  MemoryMarkerStoreOptions,
} from './marker-store.js';
export {
  createMemoryMarkerStore,
  DEFAULT_MARKER_LEASE_MS,
  isMarkerFresh,
  markerSchemaVersionFor,
} from './marker-store.js';
export type { EnqueueInput, Outbox, OutboxFailure, OutboxItem, OutboxReason } from './outbox.js';
export { outboxDelay } from './outbox.js';
export type { PacedDeliveryOptions } from './paced-delivery.js';
export { pacedDelivery } from './paced-delivery.js';
export type { ParseOptionsSettings } from './parse-options.js';
export { parseOptions } from './parse-options.js';
export type { AlertMessage, DeliveryOutcome, Publisher, PublisherRuntime, SendContext } from './publisher.js';
export type {
  ChannelRateLimit,
  ChannelRateLimitConfig,
  ChannelRateLimits,
  ChannelRateLimitsOptions,
  RateLimitsConfig,
} from './rate-limit.js';
export { createChannelRateLimits, RateLimitsConfigSchema } from './rate-limit.js';
export type { Redactor } from './redact.js';
export { createRedactor, REDACTED, redactSecrets, redactValue } from './redact.js';
export type { ChannelCounts, DeliveryRecord, DeliveryStatus, PublishResult } from './report.js';
export { deliveryReportEntry } from './report.js';
export type { RetryOptions } from './retry.js';
export { backoffDelay, RetryOptionsSchema, retryWithBackoff } from './retry.js';
export { retryLogger } from './retry-logger.js';
export type { Sleep } from './sleep.js';
export { realSleep } from './sleep.js';
export type { HttpResponse, SendHttpOptions, SendHttpRequest } from './send-http.js';
export { sendHttp } from './send-http.js';
export type { CodePointWeight } from './split-message.js';
export { splitMessage } from './split-message.js';
export type { TokenBucket, TokenBucketOptions, TokenBucketPool } from './token-bucket.js';
export { createTokenBucket, createTokenBucketPool, TokenBucketOptionsSchema } from './token-bucket.js';
export { effectiveLimit, truncateText } from './truncate-text.js';
export { rateLimitOptionsSchema, retryOptionsSchema, timeoutOptionSchema } from './delivery-options.js';
