export { createSmsPublisher, type SmsRuntime } from './sms-publisher.js';
export {
  PROVIDER_BODY_LIMIT,
  type ResolvedSmsOptions,
  SMS_ENV,
  type SmsOptions,
  SmsOptionsSchema,
  smsOptionsFromEnv,
} from './options.js';
export { normalizeE164, normalizeRecipients } from './e164.js';
export { formatSmsMessages } from './format-sms.js';
// Re-exported so existing imports of `splitMessage` from this package keep working.
export { splitMessage } from '@keel/notify';
