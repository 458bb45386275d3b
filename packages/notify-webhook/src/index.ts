export { createWebhookPublisher, type WebhookRuntime } from './webhook-publisher.js';
export {
  type ResolvedWebhookOptions,
  WEBHOOK_ENV,
  WEBHOOK_PRESETS,
  type WebhookEndpoint,
  WebhookEndpointSchema,
  type WebhookOptions,
  WebhookOptionsSchema,
  type WebhookPreset,
  webhookOptionsFromEnv,
} from './options.js';
export { buildWebhookPayload, DISCORD_CONTENT_LIMIT, escapeSlackText } from './presets.js';
export {
  SIGNATURE_HEADER,
  signWebhookBody,
  TIMESTAMP_HEADER,
  type VerifyWebhookSignatureInput,
  type VerifyWebhookSignatureResult,
  verifyWebhookSignature,
  type WebhookSignatureFailure,
} from './signature.js';
