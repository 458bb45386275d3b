import { z } from 'zod';
import { parseOptions } from './parse-options.js';
import type { AlertMessage, DeliveryOutcome, Publisher, SendContext } from './publisher.js';

/** The slice of a writable stream the console publisher needs (`process.stdout`, a file stream, ...). */
export interface TextSink {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
}

/** Options of {@link createConsolePublisher}. Env-friendly: `KEEL_ALERT_CONSOLE_COLOR=0|1` → `color`. */
export const ConsolePublisherOptionsSchema = z.object({
  /** Where to print; default `process.stdout`. */
  stream: z
    .custom<TextSink>(
      (v) => typeof v === 'object' && v !== null && typeof (v as TextSink).write === 'function',
    )
    .optional(),
  /** ANSI colour for the heading; default: the stream is a TTY. */
  color: z.boolean().optional(),
  /** Channel name, default `console`. */
  channel: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/)
    .default('console'),
  /** Width of the rule lines, default 72. */
  width: z.number().int().min(20).max(400).default(72),
});
export type ConsolePublisherOptions = z.input<typeof ConsolePublisherOptionsSchema>;

/** One alert as a readable block: a rule with the subject, the body, the alert key. */
export function formatAlertBlock(message: AlertMessage, width = 72, color = false): string {
  const title = ` ${message.subject} `;
  const rule = '─'.repeat(Math.max(3, width - Array.from(title).length - 3));
  const heading = `──${title}${rule}`;
  return [
    color ? `\u001b[1m${heading}\u001b[0m` : heading,
    message.body,
    `alert key: ${message.alertKey}`,
    '─'.repeat(width),
    '',
  ].join('\n');
}

/**
 * Prints each alert as one block to a stream. Needs no credentials, so it is the embedded default that
 * lets the reference app show alerts out of the box.
 */
export function createConsolePublisher(options: ConsolePublisherOptions = {}): Publisher {
  const opts = parseOptions(ConsolePublisherOptionsSchema, options, 'consolePublisher');
  const stream: TextSink = opts.stream ?? process.stdout;
  const color = opts.color ?? (stream as { isTTY?: boolean }).isTTY === true;
  return {
    channel: opts.channel,
    secrets: [],
    missingConfig: () => [],
    send(message: AlertMessage, ctx: SendContext): Promise<readonly DeliveryOutcome[]> {
      const block = ctx.redact(formatAlertBlock(message, opts.width, color));
      // Honour the stream's back-pressure callback so a closed pipe is reported, not swallowed.
      return new Promise((resolve) => {
        stream.write(block, (error) => {
          resolve([
            error
              ? {
                  ok: false,
                  provider: opts.channel,
                  error: ctx.redact(`${error.name}: ${error.message}`),
                  retryable: false,
                }
              : { ok: true, provider: opts.channel },
          ]);
        });
      });
    },
  };
}
