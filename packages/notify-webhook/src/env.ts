type Env = Readonly<Record<string, string | undefined>>;

/** A set, non-blank variable's trimmed value under `key`; `{}` otherwise. */
export function readText<K extends string>(env: Env, name: string, key: K): { [P in K]?: string } {
  const v = env[name]?.trim();
  return (v === undefined || v === '' ? {} : { [key]: v }) as { [P in K]?: string };
}

/** A list variable split on `,`, `;` or newlines, blanks dropped; `{}` when unset or empty. */
export function readList<K extends string>(env: Env, name: string, key: K): { [P in K]?: string[] } {
  const items = splitList(env[name]);
  return (items.length === 0 ? {} : { [key]: items }) as { [P in K]?: string[] };
}

export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * A numeric variable; a non-numeric value is passed on as `NaN` so the schema rejects it with the
 * field's name instead of silently falling back to the default.
 */
export function readNumber(env: Env, name: string): number | undefined {
  const v = env[name]?.trim();
  if (v === undefined || v === '') return undefined;
  return Number(v);
}

/** `true/false/1/0/yes/no/on/off` (case-insensitive); anything else is passed on for the schema to reject. */
export function readBoolean(env: Env, name: string): boolean | string | undefined {
  const v = env[name]?.trim().toLowerCase();
  if (v === undefined || v === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return v;
}

/** {@link readNumber} under `key`; `{}` when unset. */
export function readNumberInto<K extends string>(env: Env, name: string, key: K): { [P in K]?: number } {
  const n = readNumber(env, name);
  return (n === undefined ? {} : { [key]: n }) as { [P in K]?: number };
}

/** {@link readBoolean} under `key`; `{}` when unset. */
export function readBooleanInto<K extends string>(env: Env, name: string, key: K): { [P in K]?: boolean } {
  const b = readBoolean(env, name);
  return (b === undefined ? {} : { [key]: b }) as { [P in K]?: boolean };
}
