import { z } from 'zod';
import { readBooleanInto, readList, readNumberInto, readText } from './env.js';

// Deliberately loose: `"Keel Alerts" <alerts@example.com>` and bare addresses both pass; the SMTP
// server is the authority on what it accepts.
const Address = z
  .string()
  .trim()
  .regex(/@[^@\s]+\S*$/, 'not an email address');

export const EmailOptionsSchema = z.object({
  /** SMTP server host. */
  host: z.string().trim().min(1).optional(),
  /** Default 465 when `secure`, else 587. */
  port: z.number().int().min(1).max(65_535).optional(),
  /** Implicit TLS from the first byte (port 465). Otherwise STARTTLS is used when offered. */
  secure: z.boolean().default(false),
  /** Fail unless the server upgrades with STARTTLS. */
  requireTLS: z.boolean().default(false),
  /** Never upgrade with STARTTLS (loopback relays only). */
  ignoreTLS: z.boolean().default(false),
  tls: z
    .object({
      /** Verify the server certificate (turn off only for self-signed test servers). */
      rejectUnauthorized: z.boolean().default(true),
      servername: z.string().trim().min(1).optional(),
    })
    .prefault({}),
  /** SMTP AUTH user; with `password`. */
  user: z.string().trim().min(1).optional(),
  /** SMTP AUTH password. Secret. */
  password: z.string().min(1).optional(),
  from: Address.optional(),
  to: z.array(Address).default([]),
  cc: z.array(Address).default([]),
  bcc: z.array(Address).default([]),
  replyTo: Address.optional(),
  /** Also send an HTML part (escaped body, line breaks as `<br>`). */
  html: z.boolean().default(true),
  /** Connection, greeting and socket timeout. */
  timeoutMs: z.number().int().positive().max(300_000).default(15_000),
  retry: z
    .object({
      attempts: z.number().int().min(1).max(10).default(3),
      baseDelayMs: z.number().int().min(0).max(60_000).default(1_000),
      maxDelayMs: z.number().int().min(0).max(600_000).default(30_000),
    })
    .prefault({}),
});

export type EmailOptions = z.input<typeof EmailOptionsSchema>;
export type ResolvedEmailOptions = z.output<typeof EmailOptionsSchema>;

/** Environment variable names read by {@link emailOptionsFromEnv}. */
export const EMAIL_ENV = {
  host: 'KEEL_SMTP_HOST',
  port: 'KEEL_SMTP_PORT',
  secure: 'KEEL_SMTP_SECURE',
  requireTLS: 'KEEL_SMTP_REQUIRE_TLS',
  ignoreTLS: 'KEEL_SMTP_IGNORE_TLS',
  tlsRejectUnauthorized: 'KEEL_SMTP_TLS_REJECT_UNAUTHORIZED',
  user: 'KEEL_SMTP_USER',
  password: 'KEEL_SMTP_PASSWORD',
  from: 'KEEL_EMAIL_FROM',
  to: 'KEEL_EMAIL_TO',
  cc: 'KEEL_EMAIL_CC',
  bcc: 'KEEL_EMAIL_BCC',
  timeoutMs: 'KEEL_SMTP_TIMEOUT_MS',
} as const;

/** Reads options from environment variables (names in {@link EMAIL_ENV}); address lists split on `,`, `;`, newlines. */
export function emailOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): EmailOptions {
  const e = EMAIL_ENV;
  const tls = readBooleanInto(env, e.tlsRejectUnauthorized, 'rejectUnauthorized');
  return {
    ...readText(env, e.host, 'host'),
    ...readNumberInto(env, e.port, 'port'),
    ...readBooleanInto(env, e.secure, 'secure'),
    ...readBooleanInto(env, e.requireTLS, 'requireTLS'),
    ...readBooleanInto(env, e.ignoreTLS, 'ignoreTLS'),
    ...(tls.rejectUnauthorized === undefined ? {} : { tls }),
    ...readText(env, e.user, 'user'),
    ...readText(env, e.password, 'password'),
    ...readText(env, e.from, 'from'),
    ...readList(env, e.to, 'to'),
    ...readList(env, e.cc, 'cc'),
    ...readList(env, e.bcc, 'bcc'),
    ...readNumberInto(env, e.timeoutMs, 'timeoutMs'),
  };
}
