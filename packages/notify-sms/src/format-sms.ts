import { type AlertMessage, effectiveLimit, splitMessage, truncateText } from '@keel/notify';

/**
 * SMS text (§19.7): subject + `\n` + body (empty parts dropped), truncated to the configured limit,
 * then split into messages of at most `segmentLength` code points (only when the limit is raised
 * above the provider's body limit).
 */
export function formatSmsMessages(message: AlertMessage, maxLength: number, segmentLength: number): string[] {
  const text = [message.subject.trim(), message.body.trim()].filter((s) => s !== '').join('\n');
  return splitMessage(truncateText(text, effectiveLimit(maxLength)), segmentLength);
}
