/** Environment variables as `process.env` holds them. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

// Channel packages build their `*OptionsFromEnv` readers from these, so every channel treats blank,
// list, numeric and boolean variables alike. Each `Into` reader returns `{}` for an unset variable,
// so results spread into an options object without turning absent settings into `undefined`
// (which `exactOptionalPropertyTypes` and the schema defaults both reject).

/** A set, non-blank variable's trimmed value under `key`; `{}` otherwise. */
export function readEnvText<K extends string>(env: EnvSource, name: string, key: K): { [P in K]?: string } {
  const v = env[name]?.trim();
  return (v === undefined || v === '' ? {} : { [key]: v }) as { [P in K]?: string };
}

/** A list variable split on `,`, `;` or newlines, blanks dropped; `{}` when unset or empty. */
export function readEnvList<K extends string>(env: EnvSource, name: string, key: K): { [P in K]?: string[] } {
  const items = splitEnvList(env[name]);
  return (items.length === 0 ? {} : { [key]: items }) as { [P in K]?: string[] };
}

/** Splits a list value on `,`, `;` or newlines, trimming items and dropping blanks. */
export function splitEnvList(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * A numeric variable; a non-numeric value is passed on as `NaN` so the schema rejects it with the
 * field's name instead of silently falling back to the default.
 */
export function readEnvNumber(env: EnvSource, name: string): number | undefined {
  const v = env[name]?.trim();
  if (v === undefined || v === '') return undefined;
  return Number(v);
}

/** `true/false/1/0/yes/no/on/off` (case-insensitive); anything else is passed on for the schema to reject. */
export function readEnvBoolean(env: EnvSource, name: string): boolean | string | undefined {
  const v = env[name]?.trim().toLowerCase();
  if (v === undefined || v === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return v;
}

/** {@link readEnvNumber} under `key`; `{}` when unset. */
export function readEnvNumberInto<K extends string>(
  env: EnvSource,
  name: string,
  key: K,
): { [P in K]?: number } {
  const n = readEnvNumber(env, name);
  return (n === undefined ? {} : { [key]: n }) as { [P in K]?: number };
}

/** {@link readEnvBoolean} under `key`; `{}` when unset. */
export function readEnvBooleanInto<K extends string>(
  env: EnvSource,
  name: string,
  key: K,
): { [P in K]?: boolean } {
  const b = readEnvBoolean(env, name);
  return (b === undefined ? {} : { [key]: b }) as { [P in K]?: boolean };
}
