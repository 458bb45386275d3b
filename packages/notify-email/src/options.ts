import {
  readEnvBooleanInto,
  readEnvList,
  readEnvNumberInto,
  readEnvText,
  retryOptionsSchema,
  timeoutOptionSchema,
} from '@keel/notify';
import { z } from 'zod';

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
  timeoutMs: timeoutOptionSchema(15_000),
  retry: retryOptionsSchema({ attempts: 3, baseDelayMs: 1_000, maxDelayMs: 30_000 }),
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
  const tls = readEnvBooleanInto(env, e.tlsRejectUnauthorized, 'rejectUnauthorized');
  return {
    ...readEnvText(env, e.host, 'host'),
    ...readEnvNumberInto(env, e.port, 'port'),
    ...readEnvBooleanInto(env, e.secure, 'secure'),
    ...readEnvBooleanInto(env, e.requireTLS, 'requireTLS'),
    ...readEnvBooleanInto(env, e.ignoreTLS, 'ignoreTLS'),
    ...(tls.rejectUnauthorized === undefined ? {} : { tls }),
    ...readEnvText(env, e.user, 'user'),
    ...readEnvText(env, e.password, 'password'),
    ...readEnvText(env, e.from, 'from'),
    ...readEnvList(env, e.to, 'to'),
    ...readEnvList(env, e.cc, 'cc'),
    ...readEnvList(env, e.bcc, 'bcc'),
    ...readEnvNumberInto(env, e.timeoutMs, 'timeoutMs'),
  };
}
