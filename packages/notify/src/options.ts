import type { z } from 'zod';
import { NotifyConfigError } from './errors.js';

// Option fields whose values must never appear in an error message.
const SECRET_FIELD = /(token|secret|password|key|credential|auth)/i;

/**
 * Parses an options object with its zod schema; the first issue becomes a one-line
 * `NotifyConfigError` (`INVALID_OPTIONS`) naming the field, e.g. `fileMarkerStore.path: ...`.
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, root: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = (issue?.path ?? []).map((k) => String(k));
  const field = [root, ...path].join('.');
  const secret = SECRET_FIELD.test(path.join('.'));
  const value = secret ? undefined : valueAt(input, path);
  const shown = secret || value === undefined ? '' : ` (got ${safeJson(value)})`;
  return throwConfig(`${field}: ${issue?.message ?? 'invalid'}${shown}`, field, value);
}

function throwConfig(message: string, field: string, value: unknown): never {
  throw new NotifyConfigError('INVALID_OPTIONS', message, {
    field,
    ...(value === undefined ? {} : { value }),
  });
}

function valueAt(input: unknown, path: readonly string[]): unknown {
  let cur = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
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
