export { createPushPublisher, type PushRuntime } from './push-publisher.js';
export {
  PUSH_ENV,
  type PushOptions,
  PushOptionsSchema,
  pushOptionsFromEnv,
  type ResolvedPushOptions,
} from './options.js';
export { buildPushPayload, type NtfyPublish } from './push-payload.js';
