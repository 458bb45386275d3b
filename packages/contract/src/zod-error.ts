import type { z } from 'zod';
import { ContractError, type ContractErrorCode, formatValue } from './errors.js';
import { formatPath } from './json-safe.js';

/**
 * Turns the first issue of a failed zod parse into a one-line `ContractError` naming the field and
 * the rejected value, e.g. `manifest.window: Too small: expected number to be >=2 (got 1)`.
 * Pass `redact` for inputs that may hold secrets: the value is then never shown.
 */
export function contractErrorFromZod(
  code: ContractErrorCode,
  error: z.ZodError,
  input: unknown,
  options: { root?: string; redact?: (path: string) => boolean; hint?: string } = {},
): ContractError {
  const issue = error.issues[0];
  const keys = (issue?.path ?? []).map((k) => (typeof k === 'symbol' ? String(k) : k));
  const field = formatPath(options.root, keys);
  const value = valueAt(input, keys);
  const secret = options.redact?.(field) ?? false;
  const got = secret
    ? ''
    : value === undefined && isMissing(input, keys)
      ? ' (missing)'
      : ` (got ${formatValue(value)})`;
  const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : '';
  return new ContractError(code, `${field}: ${issue?.message ?? 'invalid'}${got}${more}`, {
    field,
    ...(secret ? {} : { value }),
    ...(options.hint === undefined ? {} : { hint: options.hint }),
    cause: error,
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

function isMissing(input: unknown, keys: ReadonlyArray<string | number>): boolean {
  if (keys.length === 0) return input === undefined;
  const parent = valueAt(input, keys.slice(0, -1));
  return (
    parent === null || typeof parent !== 'object' || !((keys[keys.length - 1] as string | number) in parent)
  );
}
