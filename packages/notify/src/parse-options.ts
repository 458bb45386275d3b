import type { z } from 'zod';
import { NotifyConfigError } from './errors.js';

// Option fields whose values must never appear in an error message, when no list is given.
const SECRET_FIELD = /(token|secret|password|key|credential|auth)/i;

/** Settings of {@link parseOptions}. */
export interface ParseOptionsSettings {
  /**
   * Option names whose values are never shown in the error message: when any key on the failing
   * path is one of them. Without a list, a path whose text looks like a credential (`token`,
   * `secret`, `password`, `key`, `credential`, `auth`) is treated as secret.
   */
  readonly secretFields?: readonly string[];
}

/**
 * Parses an options object with its zod schema; the first issue becomes a one-line
 * `NotifyConfigError` (`INVALID_OPTIONS`) naming the field, e.g. `telegram.chatIds.0: ...`, with the
 * offending value unless it is a secret. Every factory in `@keel/notify` and its channel packages
 * validates this way, so a misconfiguration reads the same whichever publisher reports it.
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  root: string,
  settings: ParseOptionsSettings = {},
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const keys = (issue?.path ?? []).map((k) => (typeof k === 'symbol' ? String(k) : k));
  const field = [root, ...keys].join('.');
  const { secretFields } = settings;
  const secret =
    secretFields === undefined
      ? SECRET_FIELD.test(keys.join('.'))
      : keys.some((k) => typeof k === 'string' && secretFields.includes(k));
  const value = secret ? undefined : valueAt(input, keys);
  const shown = secret || value === undefined ? '' : ` (got ${safeJson(value)})`;
  throw new NotifyConfigError('INVALID_OPTIONS', `${field}: ${issue?.message ?? 'invalid'}${shown}`, {
    field,
    ...(value === undefined ? {} : { value }),
    cause: result.error,
  });
}

function valueAt(input: unknown, keys: ReadonlyArray<string | number>): unknown {
  let cur = input;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

function safeJson(value: unknown): string {
  if (typeof value === 'function') return '[function]';
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 79)}…` : text;
  } catch {
    return '[unprintable]';
  }
}
