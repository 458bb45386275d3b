import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeelError } from '@keel/contract';
import { type core, z } from 'zod';
import { closestName } from './closest-name.js';
import { entrySchemaFor, PluginEntrySchema } from './plugin-entries.js';
import { PythonConfigEntrySchema } from '@keel/python';

const DataSchema = z
  .strictObject({
    source: z
      .string()
      .min(1)
      .default('sample')
      .describe(
        '`sample` (embedded 5-minute bars on real NYSE sessions) or a CSV path relative to this file',
      ),
    sessions: z.number().int().min(1).max(5000).default(60).describe('Trading sessions of sample data'),
    symbol: z.string().min(1).default('SAMPLE').describe('Symbol stamped on every bar'),
    seed: z.number().int().default(7).describe('Seed of the sample data'),
  })
  .describe('The bars to replay');

const NotifySchema = z
  .strictObject({
    channels: z
      .string()
      .default('console')
      .describe('Channel list, e.g. `console` or `console,telegram`; credentials come from the environment'),
    locales: z
      .array(z.enum(['en-US', 'zh-CN']))
      .min(1)
      .default(['en-US'])
      .describe('Locales of the notification lines; alerts use the first'),
    context: z
      .strictObject({
        platform: z.string().optional(),
        account: z.string().optional(),
        deployment: z.string().optional(),
        service: z.string().optional(),
        strategy: z.string().optional(),
      })
      .default({})
      .describe('The `[context]` prefix of alert subjects'),
    markers: z
      .strictObject({ path: z.string().min(1).describe('SQLite file of alert de-duplication markers') })
      .default({ path: '.keel/alert-markers.sqlite' }),
  })
  .describe('Alerts');

export const AppConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema of this file, for editors'),
    $comment: z.string().optional(),
    data: DataSchema.default({ source: 'sample', sessions: 60, symbol: 'SAMPLE', seed: 7 }),
    plugins: z.array(PluginEntrySchema).default([]).describe('Plugins, loaded in this order'),
    cache: z
      .strictObject({
        path: z.string().min(1).default('.keel/cache.sqlite').describe('The host’s plugin cache'),
      })
      .default({ path: '.keel/cache.sqlite' }),
    artifacts: z
      .strictObject({
        strategyProfile: z.string().optional().describe('Only mounts of this strategy'),
        mounts: z
          .unknown()
          .optional()
          .describe('A QuantPlatformKit mount config; `STRATEGY_PLUGIN_MOUNTS_JSON` overrides it'),
        roots: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe(
            'Folders local `signal_path`s must resolve into (symlinks resolved), relative to this file; default: the folder of this file',
          ),
      })
      .optional()
      .describe('Strategy artifacts (`latest_signal.json` files) to load'),
    server: z
      .strictObject({
        token: z
          .string()
          .optional()
          .describe(
            'API token for `keel serve` (16+ characters); `KEEL_TOKEN` and `--token` override it. Required to bind a non-loopback address',
          ),
        allowedHosts: z
          .array(z.string().min(1).max(253))
          .max(100)
          .optional()
          .describe(
            'Extra `Host` names the server answers (a DNS name it is reached under), besides loopback and the bind address',
          ),
      })
      .default({})
      .describe('`keel serve` security settings'),
    notify: NotifySchema.default({
      channels: 'console',
      locales: ['en-US'],
      context: {},
      markers: { path: '.keel/alert-markers.sqlite' },
    }),
  })
  .describe('Keel reference app config (keel.config.json)');
export type AppConfig = z.output<typeof AppConfigSchema>;

export class ConfigError extends KeelError<'CONFIG_NOT_FOUND' | 'CONFIG_INVALID_JSON' | 'CONFIG_INVALID'> {}

export interface LoadedConfig {
  readonly config: AppConfig;
  /** Directory relative paths in the config are resolved against. */
  readonly baseDir: string;
  /** The config file; `null` for the built-in default when no file was given or found. */
  readonly file: string | null;
  /** Where relative state paths (`cache.path`, `notify.markers.path`) resolve; default `baseDir`. */
  readonly stateDir?: string;
}

/** The config shipped inside the app package: embedded sample bars, the example plugins, sample artifacts. */
export const BUILTIN_CONFIG_FILE = fileURLToPath(new URL('../keel.config.json', import.meta.url));

/** An absolute state path (cache, markers) for a path written in the config. */
export function statePath(loaded: LoadedConfig, file: string): string {
  return path.resolve(loaded.stateDir ?? loaded.baseDir, file);
}

/**
 * The config the CLI uses: `--config FILE` when given; else `keel.config.json` in the current
 * folder; else the built-in one, whose state (cache, markers) then lives in `./.keel`, never
 * inside the installed package.
 */
export async function resolveConfig(file: string | undefined, cwd = process.cwd()): Promise<LoadedConfig> {
  if (file !== undefined) return loadConfig(path.resolve(cwd, file));
  const local = path.join(cwd, 'keel.config.json');
  if (existsSync(local)) return loadConfig(local);
  const builtin = await loadConfig(BUILTIN_CONFIG_FILE);
  return { ...builtin, file: null, stateDir: cwd };
}

/** Reads and validates a config file; every error names the file and the offending field. */
export async function loadConfig(file: string): Promise<LoadedConfig & { file: string }> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG_NOT_FOUND', `config file ${absolute} cannot be read`, {
      field: 'config',
      value: absolute,
      hint: 'pass --config <file>, or leave it out to use ./keel.config.json or the built-in config',
      cause: error,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      'CONFIG_INVALID_JSON',
      `${absolute} is not valid JSON: ${(error as Error).message}`,
      {
        field: 'config',
        cause: error,
      },
    );
  }
  return { config: parseAppConfig(raw, absolute), baseDir: path.dirname(absolute), file: absolute };
}

/** Validates a parsed config; `where` names the file in errors. */
export function parseAppConfig(raw: unknown, where: string): AppConfig {
  const parsed = AppConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // An unknown key is usually why a required one is "missing" (`plugn` for `plugin`): report it first.
  const issues = branchIssues(parsed.error.issues, raw);
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const field = [...issue.path, key].join('.');
    const valid = validKeysAt(issue.path, raw);
    const near = closestName(key, valid);
    throw new ConfigError('CONFIG_INVALID', `${where}: ${field}: unknown key ${JSON.stringify(key)}`, {
      field,
      value: key,
      hint: `${near === undefined ? '' : `did you mean "${near}"? `}valid keys here: ${valid.join(', ')}`,
    });
  }
  const field = (issue?.path ?? []).join('.') || '(root)';
  throw new ConfigError('CONFIG_INVALID', `${where}: ${field}: ${issue?.message ?? 'invalid'}`, { field });
}

/** The keys the schema allows in the object at `at` (for the unknown-key hint). */
export function validKeysAt(at: readonly PropertyKey[], raw?: unknown): string[] {
  let schema: core.$ZodType = AppConfigSchema;
  let value: unknown = raw;
  for (const segment of at) {
    schema = unwrap(schema, value);
    value = (value as Record<PropertyKey, unknown> | undefined)?.[segment];
    if (schema instanceof z.ZodObject) {
      const next = (schema.shape as Record<string, core.$ZodType>)[String(segment)];
      if (next === undefined) return [];
      schema = next;
    } else if (schema instanceof z.ZodArray) {
      schema = schema.element as core.$ZodType;
    } else return [];
  }
  schema = unwrap(schema, value);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** Optional/default wrappers removed; a plugin entry's union resolved by the entry's own keys. */
function unwrap(schema: core.$ZodType, value: unknown): core.$ZodType {
  let s = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as core.$ZodType;
  if (s === PluginEntrySchema) return entrySchemaFor(value);
  return s;
}

/**
 * A plugin entry failing both of its forms is one `invalid_union` issue: report the issues of the
 * form the entry meant (`python` present or not), with their full paths.
 */
function branchIssues(issues: readonly core.$ZodIssue[], raw: unknown): core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || issue.errors.length !== 2) return [issue];
    let value: unknown = raw;
    for (const segment of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[segment];
    const chosen = issue.errors[entrySchemaFor(value) === PythonConfigEntrySchema ? 1 : 0] ?? [];
    return chosen.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as core.$ZodIssue);
  });
}
