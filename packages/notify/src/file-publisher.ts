import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { expandHome } from './home-path.js';
import { parseOptions } from './parse-options.js';
import { redactValue } from './redact.js';
import type { AlertMessage, DeliveryOutcome, Publisher, SendContext } from './publisher.js';

/** Options of {@link createFilePublisher}. Env-friendly: `KEEL_ALERT_FILE` → `path`. */
export const FilePublisherOptionsSchema = z.object({
  /** JSON Lines file to append to (`~` expanded); parent directories are created. */
  path: z.string().trim().min(1),
  /** fsync after each line (default true): an alert reported `sent` is on disk. */
  fsync: z.boolean().default(true),
  /** Channel name, default `file`. */
  channel: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/)
    .default('file'),
});
export type FilePublisherOptions = z.input<typeof FilePublisherOptionsSchema>;

/** One line of the file publisher's output. */
export interface AlertFileLine {
  readonly time: string;
  readonly channel: string;
  readonly alert_key: string;
  readonly subject: string;
  readonly body: string;
  readonly locale: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/**
 * Appends each alert as one JSON line (a local outbox people and tools can tail). Each line is written
 * with a single `O_APPEND` write, so concurrent writers never interleave inside a line.
 */
export function createFilePublisher(options: FilePublisherOptions): Publisher {
  const opts = parseOptions(FilePublisherOptionsSchema, options, 'filePublisher');
  const file = expandHome(opts.path);
  let dirReady: Promise<unknown> | undefined;
  return {
    channel: opts.channel,
    secrets: [],
    missingConfig: () => [],
    async send(message: AlertMessage, ctx: SendContext): Promise<readonly DeliveryOutcome[]> {
      dirReady ??= mkdir(path.dirname(file), { recursive: true });
      await dirReady;
      const line: AlertFileLine = {
        time: new Date(ctx.now()).toISOString(),
        channel: opts.channel,
        alert_key: message.alertKey,
        subject: message.subject,
        body: message.body,
        locale: message.locale ?? null,
        metadata: message.metadata,
      };
      // Redact value by value: redacting the serialised line could cut through JSON quoting.
      const text = `${JSON.stringify(redactValue(line, ctx.redact))}\n`;
      const handle = await open(file, 'a', 0o644);
      try {
        await handle.write(text);
        if (opts.fsync) await handle.sync();
      } finally {
        await handle.close();
      }
      return [{ ok: true, provider: `file:${path.basename(file)}` }];
    },
  };
}
