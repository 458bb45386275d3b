import { NotifyConfigError } from '@keel/notify';
import type { z } from 'zod';

/**
 * Parses publisher options, turning the first zod issue into a one-line `NotifyConfigError`
 * (`INVALID_OPTIONS`) naming the field. Values of `secretFields` are never shown.
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  root: string,
  secretFields: readonly string[],
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const keys = (issue?.path ?? []).map((k) => (typeof k === 'symbol' ? String(k) : k));
  const field = [root, ...keys].join('.');
  const secret = keys.some((k) => typeof k === 'string' && secretFields.includes(k));
  const value = secret ? undefined : valueAt(input, keys);
  const shown =
    secret || value === undefined ? '' : ` (got ${JSON.stringify(value)?.slice(0, 80) ?? String(value)})`;
  return throwConfig(field, `${field}: ${issue?.message ?? 'invalid'}${shown}`, value, result.error);
}

function throwConfig(field: string, message: string, value: unknown, cause: unknown): never {
  throw new NotifyConfigError('INVALID_OPTIONS', message, {
    field,
    ...(value === undefined ? {} : { value }),
    cause,
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
