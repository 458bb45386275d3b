export { createEmailPublisher, type EmailRuntime } from './email-publisher.js';
export {
  EMAIL_ENV,
  type EmailOptions,
  EmailOptionsSchema,
  emailOptionsFromEnv,
  type ResolvedEmailOptions,
} from './options.js';
export { escapeHtml, renderEmailHtml } from './render-html.js';
