import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KeelError } from '@keel/contract';
import { z } from 'zod';

const PluginEntrySchema = z.object({
  /** A package name or a path relative to the config file. */
  plugin: z.string().min(1),
  config: z.unknown().optional(),
  enabled: z.boolean().default(true),
});

export const AppConfigSchema = z.object({
  $comment: z.string().optional(),
  data: z
    .object({
      /** `sample` (embedded synthetic 5-minute bars on NYSE sessions) or a CSV path. */
      source: z.string().min(1).default('sample'),
      /** Trading sessions of sample data. */
      sessions: z.number().int().min(1).max(5000).default(60),
      symbol: z.string().min(1).default('SAMPLE'),
      seed: z.number().int().default(7),
    })
    .default({ source: 'sample', sessions: 60, symbol: 'SAMPLE', seed: 7 }),
  plugins: z.array(PluginEntrySchema).default([]),
  cache: z
    .object({ path: z.string().min(1).default('.keel/cache.sqlite') })
    .default({ path: '.keel/cache.sqlite' }),
  artifacts: z
    .object({
      strategyProfile: z.string().optional(),
      /** A mount config in the QuantPlatformKit format; `STRATEGY_PLUGIN_MOUNTS_JSON` overrides it. */
      mounts: z.unknown().optional(),
    })
    .optional(),
  notify: z
    .object({
      /** Channel list (§19.1), e.g. `console` or `console,telegram`. Credentials come from the environment. */
      channels: z.string().default('console'),
      locales: z
        .array(z.enum(['en-US', 'zh-CN']))
        .min(1)
        .default(['en-US']),
      context: z
        .object({
          platform: z.string().optional(),
          account: z.string().optional(),
          deployment: z.string().optional(),
          service: z.string().optional(),
          strategy: z.string().optional(),
        })
        .default({}),
      markers: z.object({ path: z.string().min(1) }).default({ path: '.keel/alert-markers.sqlite' }),
    })
    .default({
      channels: 'console',
      locales: ['en-US'],
      context: {},
      markers: { path: '.keel/alert-markers.sqlite' },
    }),
});
export type AppConfig = z.output<typeof AppConfigSchema>;

export class ConfigError extends KeelError<'CONFIG_NOT_FOUND' | 'CONFIG_INVALID_JSON' | 'CONFIG_INVALID'> {}

export interface LoadedConfig {
  readonly config: AppConfig;
  /** Directory relative paths in the config are resolved against. */
  readonly baseDir: string;
  readonly file: string;
}

/** Reads and validates a config file; every error names the file and the offending field. */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG_NOT_FOUND', `config file ${absolute} cannot be read`, {
      field: 'config',
      value: absolute,
      hint: 'pass --config <file>, or run from apps/reference where keel.config.json lives',
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
  const parsed = AppConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = (issue?.path ?? []).join('.') || '(root)';
    throw new ConfigError('CONFIG_INVALID', `${absolute}: ${field}: ${issue?.message ?? 'invalid'}`, {
      field,
    });
  }
  return { config: parsed.data, baseDir: path.dirname(absolute), file: absolute };
}
