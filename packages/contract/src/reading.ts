import { z } from 'zod';
import { checkJsonSafe, formatPath, type JsonValue } from './json-safe.js';
import type { Layer } from './manifest.js';

/**
 * What a bar sensor returns for one bar. `active`, `score` (finite, 0..1) and `status` are required;
 * any other key is extra telemetry and must be a JSON value.
 */
export interface SensorReading {
  active: boolean;
  score: number;
  status: string;
  [extra: string]: JsonValue;
}

/** One row of the sensor panel, built by the host from a plugin's reading. */
export interface SensorRow {
  /** The plugin's `sensorId`. */
  readonly id: string;
  readonly plugin: string;
  readonly name: string;
  readonly layer: Layer;
  readonly active: boolean;
  readonly score: number;
  readonly status: string;
}

export const MAX_STATUS_LENGTH = 200;

const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().finite(),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);
export { JsonValueSchema };

/** zod schema for a reading at a boundary (HTTP, files). The host uses {@link validateReading}. */
export const SensorReadingSchema = z
  .object({
    active: z.boolean(),
    score: z.number().finite().min(0).max(1),
    status: z.string().max(MAX_STATUS_LENGTH),
  })
  .catchall(JsonValueSchema);

export const SensorRowSchema = z.object({
  id: z.string(),
  plugin: z.string(),
  name: z.string(),
  layer: z.enum(['L1', 'L2', 'L3', 'L4', 'L2-ext', 'L3-ext', 'EXE']),
  active: z.boolean(),
  score: z.number().finite().min(0).max(1),
  status: z.string(),
});

export type ReadingCheck = { ok: true } | { ok: false; path: string; message: string };

const OK: ReadingCheck = Object.freeze({ ok: true });

/**
 * Checks a value returned by `onBar`: required fields with the right types, `0 <= score <= 1`, and
 * every extra key JSON-safe. On failure `message` names the path, e.g. `extras.atr is NaN`.
 * Allocation-free on success: this runs for every plugin on every bar.
 */
export function validateReading(value: unknown): ReadingCheck {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail('(root)', `reading must be an object, got ${describe(value)}`);
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) {
    return fail('(root)', 'reading must be a plain object');
  }
  const r = value as Record<string, unknown>;
  if (typeof r.active !== 'boolean')
    return fail('active', `active must be a boolean, got ${describe(r.active)}`);
  const score = r.score;
  if (typeof score !== 'number') return fail('score', `score must be a number, got ${describe(score)}`);
  if (!Number.isFinite(score))
    return fail('score', `score is ${Number.isNaN(score) ? 'NaN' : String(score)}`);
  if (score < 0 || score > 1) return fail('score', `score ${score} is outside 0..1`);
  if (typeof r.status !== 'string')
    return fail('status', `status must be a string, got ${describe(r.status)}`);
  if (r.status.length > MAX_STATUS_LENGTH) {
    return fail('status', `status is longer than ${MAX_STATUS_LENGTH} characters`);
  }
  for (const key in r) {
    if (key === 'active' || key === 'score' || key === 'status' || !Object.hasOwn(r, key)) continue;
    const extra = r[key];
    // Primitive extras are the common case; only recurse into containers.
    if (typeof extra === 'string' || typeof extra === 'boolean' || extra === null) continue;
    if (typeof extra === 'number' && Number.isFinite(extra)) continue;
    const check = checkJsonSafe(extra, { root: formatPath('extras', [key]) });
    if (!check.ok) return fail(check.path, `${check.path} ${check.reason}`);
  }
  return OK;
}

function fail(path: string, message: string): ReadingCheck {
  return { ok: false, path, message };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return typeof value;
}
