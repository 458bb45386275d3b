import type { z } from 'zod';
import type { Bar } from './bar.js';
import type { BarWindow } from './bar-window.js';
import { ContractError } from './errors.js';
import type { BusEvent, HostContext } from './host-context.js';
import type { JsonValue } from './json-safe.js';
import {
  defaultSensorId,
  type Budget,
  type Manifest,
  type ManifestInput,
  ManifestSchema,
} from './manifest.js';
import type { SensorReading } from './reading.js';
import type { PartialStep, PluginResult } from './result.js';
import { type Schedule, safeParseSchedule } from './schedule.js';
import { contractErrorFromZod } from './zod-error.js';

/** The config type a plugin sees: the output of its zod schema, or an empty object without one. */
export type ConfigOf<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

export interface OnBarArgs<Config = unknown> {
  readonly bar: Bar;
  readonly window: BarWindow;
  /** Frozen results of the earlier layers for this bar. */
  readonly step: PartialStep;
  readonly config: Config;
  readonly ctx: HostContext<Config>;
  /**
   * Aborted when this call is cancelled: it exceeded `budget.timeoutMs`, or the plugin is being
   * unloaded. Unlike `ctx.signal` (which is this same signal only while the call runs), it belongs
   * to this call, so it can be handed to `fetch` or an RPC and kept across `await`s.
   */
  readonly signal: AbortSignal;
}

/** Why and when a scheduled job runs. */
export interface ScheduleTick {
  readonly job: string;
  readonly when: string;
  readonly schedule: Schedule;
  /** The time the run was due (bar time in a replay). */
  readonly scheduledAt: number;
  /** How many due runs were coalesced into this one because the previous run was still going. */
  readonly coalesced: number;
  /** The triggering event, for `on:<type>` jobs. */
  readonly event?: BusEvent;
}

export interface ScheduleEntry<Config = unknown> {
  /** `@open`, `@close`, `@idle`, `every 5m`, a 5-field cron or `on:<event.type>`. */
  readonly when: string;
  /** Job name, unique within the plugin (default: the `when` text). */
  readonly name?: string;
  /** Overrides the plugin budget for this job. */
  readonly budget?: Budget;
  run(ctx: HostContext<Config>, tick: ScheduleTick): PluginResult | Promise<PluginResult>;
}

/** A console panel: a status line and lazily evaluated stats. */
export interface Panel {
  status: string;
  stats: Record<string, () => JsonValue>;
}

export interface PluginHooks<Config> {
  /** Once after load: register RPC and event handlers, open resources. */
  setup?(ctx: HostContext<Config>): void | Promise<void>;
  /** Bar sensor: runs on every bar after the warm-up. */
  onBar?(args: OnBarArgs<Config>): SensorReading | Promise<SensorReading>;
  schedule?: ReadonlyArray<ScheduleEntry<Config>>;
  describe?(ctx: HostContext<Config>): Panel;
  /** The data source was reloaded or a replay restarted: drop derived state. */
  reset?(): void;
  dispose?(): void | Promise<void>;
}

/** What a plugin module exports: manifest fields, an optional zod config schema and hooks. */
export type PluginSpec<S extends z.ZodType | undefined = undefined> = ManifestInput & {
  readonly config?: S;
} & PluginHooks<ConfigOf<S>>;

/** A plugin as the host receives it. */
// biome-ignore lint/suspicious/noExplicitAny: the host accepts plugins of any config type
export type KeelPlugin = PluginSpec<any>;

/**
 * Declares a plugin. Identity at run time; at compile time it infers the config type from the
 * `config` schema so every hook sees `config` and `ctx.config` fully typed.
 *
 * ```ts
 * export default definePlugin({
 *   id: 'atr-burst', name: 'ATR burst', version: '1.0.0', category: 'alpha',
 *   config: z.object({ period: z.number().int().default(14) }),
 *   onBar: ({ window, config }) => ({ active: false, score: 0, status: `p=${config.period}` }),
 * });
 * ```
 */
export function definePlugin<S extends z.ZodType | undefined = undefined>(
  spec: PluginSpec<S>,
): PluginSpec<S> {
  return spec;
}

const MANIFEST_KEYS = new Set(Object.keys(ManifestSchema.shape));
const HOOK_KEYS = new Set(['setup', 'onBar', 'describe', 'reset', 'dispose']);
const OTHER_KEYS = new Set(['config', 'schedule']);

export type ManifestParse =
  | { ok: true; manifest: Manifest; schedules: Schedule[] }
  | { ok: false; error: ContractError };

/**
 * Validates a plugin object as the host loads it: manifest fields (with defaults applied), hook
 * types, schedule texts and the config schema. Unknown keys are rejected so a typo such as
 * `warmUp` is caught at load rather than silently ignored.
 */
export function parsePluginManifest(plugin: unknown): ManifestParse {
  if (plugin === null || typeof plugin !== 'object' || Array.isArray(plugin)) {
    return fail(
      'CONTRACT_INVALID_PLUGIN',
      'plugin',
      plugin,
      'plugin must be an object returned by definePlugin()',
    );
  }
  const p = plugin as Record<string, unknown>;
  for (const key of Object.keys(p)) {
    if (!MANIFEST_KEYS.has(key) && !HOOK_KEYS.has(key) && !OTHER_KEYS.has(key)) {
      return fail('CONTRACT_INVALID_MANIFEST', key, p[key], `unknown plugin key ${JSON.stringify(key)}`);
    }
  }
  const data: Record<string, unknown> = {};
  for (const key of MANIFEST_KEYS) if (p[key] !== undefined) data[key] = p[key];
  const parsed = ManifestSchema.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      error: contractErrorFromZod('CONTRACT_INVALID_MANIFEST', parsed.error, data, { root: 'manifest' }),
    };
  }
  for (const key of HOOK_KEYS) {
    if (p[key] !== undefined && typeof p[key] !== 'function') {
      return fail('CONTRACT_INVALID_PLUGIN', key, p[key], `${key} must be a function`);
    }
  }
  if (p.config !== undefined && !isZodSchema(p.config)) {
    return fail('CONTRACT_INVALID_PLUGIN', 'config', p.config, 'config must be a zod schema');
  }
  const schedules: Schedule[] = [];
  if (p.schedule !== undefined) {
    if (!Array.isArray(p.schedule))
      return fail('CONTRACT_INVALID_PLUGIN', 'schedule', p.schedule, 'schedule must be an array');
    const names = new Set<string>();
    for (let i = 0; i < p.schedule.length; i++) {
      const entry = p.schedule[i] as Partial<ScheduleEntry> | null;
      const field = `schedule[${i}]`;
      if (entry === null || typeof entry !== 'object' || typeof entry.run !== 'function') {
        return fail('CONTRACT_INVALID_PLUGIN', field, entry, `${field} must be { when, run }`);
      }
      const s = safeParseSchedule(entry.when as string);
      if (!s.ok) {
        return fail('CONTRACT_INVALID_SCHEDULE', `${field}.when`, entry.when, s.error.message, s.error.hint);
      }
      const name = entry.name ?? (entry.when as string);
      if (names.has(name))
        return fail(
          'CONTRACT_INVALID_PLUGIN',
          `${field}.name`,
          name,
          `duplicate job name ${JSON.stringify(name)}`,
        );
      names.add(name);
      schedules.push(s.schedule);
    }
  }
  if (p.onBar === undefined && p.setup === undefined && schedules.length === 0) {
    return fail(
      'CONTRACT_INVALID_PLUGIN',
      'plugin',
      p.id,
      'a plugin needs at least one of onBar, schedule or setup',
    );
  }
  const manifest = { ...parsed.data, sensorId: parsed.data.sensorId ?? defaultSensorId(parsed.data.id) };
  return { ok: true, manifest, schedules };
}

export type ConfigParse<T> = { ok: true; config: T } | { ok: false; error: ContractError };

/** Parses app-supplied config with the plugin's schema (an empty object when it has none). */
export function parsePluginConfig<S extends z.ZodType | undefined>(
  plugin: PluginSpec<S> | KeelPlugin,
  raw: unknown,
): ConfigParse<ConfigOf<S>> {
  const schema = (plugin as { config?: z.ZodType }).config;
  if (schema === undefined) {
    if (raw === undefined || (isPlainObject(raw) && Object.keys(raw).length === 0)) {
      return { ok: true, config: {} as ConfigOf<S> };
    }
    return fail('CONTRACT_INVALID_CONFIG', 'config', raw, 'plugin takes no config');
  }
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: contractErrorFromZod('CONTRACT_INVALID_CONFIG', parsed.error, raw ?? {}, { root: 'config' }),
    };
  }
  return { ok: true, config: parsed.data as ConfigOf<S> };
}

function isZodSchema(value: unknown): value is z.ZodType {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { safeParse?: unknown }).safeParse === 'function'
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function fail(
  code: ConstructorParameters<typeof ContractError>[0],
  field: string,
  value: unknown,
  message: string,
  hint?: string,
): { ok: false; error: ContractError } {
  return { ok: false, error: new ContractError(code, message, { field, value, ...(hint ? { hint } : {}) }) };
}
