import type { AlertMessage } from './publisher.js';

/** Parts of the platform context label (§19.6). */
export interface AlertContextParts {
  platform?: string | null | undefined;
  account?: string | null | undefined;
  deployment?: string | null | undefined;
  service?: string | null | undefined;
  strategy?: string | null | undefined;
}

const nonBlank = (v: string | null | undefined): string => (typeof v === 'string' ? v.trim() : '');

/**
 * `[platform, account || deployment || service, strategy]`, blanks dropped, joined with `" / "`
 * (`ibkr / paper / tqqq`). Same rule as `@keel/artifacts`' `buildAlertContextLabel`, repeated here so
 * `@keel/notify` stays independent of the artifacts package.
 */
export function buildAlertContextLabel(parts: AlertContextParts): string {
  const where = nonBlank(parts.account) || nonBlank(parts.deployment) || nonBlank(parts.service);
  return [nonBlank(parts.platform), where, nonBlank(parts.strategy)].filter((p) => p !== '').join(' / ');
}

/**
 * Prefixes the subject with `[context] ` (§19.6) unless it already starts with it, as messages built by
 * `buildAlertMessages` with the same `contextLabel` do. The alert key is left alone: it was fixed when
 * the message was built.
 */
export function withContextPrefix(message: AlertMessage, context: string): AlertMessage {
  const label = context.trim();
  if (label === '') return message;
  const prefix = `[${label}] `;
  if (message.subject.startsWith(prefix)) return message;
  return { ...message, subject: prefix + message.subject };
}
