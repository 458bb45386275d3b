import { type AlertMessage, effectiveLimit, truncateText } from '@keel/notify';
import type { ResolvedPushOptions } from './options.js';

/** The JSON body of an ntfy publish. */
export interface NtfyPublish {
  readonly topic: string;
  readonly title: string;
  readonly message: string;
  readonly priority: number;
  readonly tags?: readonly string[];
  readonly click?: string;
}

/**
 * §19.7: title = subject, text = body (or the subject when the body is empty), truncated. Published
 * as JSON rather than with `Title:` headers, because header values cannot carry UTF-8 titles (zh-CN).
 */
export function buildPushPayload(
  message: AlertMessage,
  opts: ResolvedPushOptions,
  topic: string,
): NtfyPublish {
  const title = message.subject.trim();
  const body = message.body.trim() === '' ? title : message.body.trim();
  return {
    topic,
    title,
    message: truncateText(body, effectiveLimit(opts.maxLength)),
    priority: opts.priority,
    ...(opts.tags.length === 0 ? {} : { tags: opts.tags }),
    ...(opts.click === undefined ? {} : { click: opts.click }),
  };
}
