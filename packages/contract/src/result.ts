import { z } from 'zod';
import type { Bar } from './bar.js';
import type { JsonValue } from './json-safe.js';
import { JsonValueSchema, type SensorReading, type SensorRow } from './reading.js';

/** What a scheduled job's `run` returns. The host fills `durationMs`. */
export interface PluginResult {
  success: boolean;
  data?: JsonValue;
  error?: string;
  durationMs?: number;
}

export const PluginResultSchema = z.object({
  success: z.boolean(),
  data: JsonValueSchema.optional(),
  error: z.string().optional(),
  durationMs: z.number().nonnegative().optional(),
});

/** Why a plugin produced no reading of its own on a bar. */
export type StepErrorKind = 'ERROR' | 'TIMEOUT' | 'CONTRACT' | 'QUARANTINED';

export interface StepError {
  readonly plugin: string;
  readonly kind: StepErrorKind;
  readonly message: string;
}

export interface StepTiming {
  /** Wall time of the whole step, in milliseconds. */
  readonly totalMs: number;
}

/** Everything the host produced for one bar. */
export interface StepResult {
  readonly bar: Bar;
  /** Zero-based index of the bar in the current run (rejected bars do not count). */
  readonly index: number;
  readonly symbol?: string;
  /** One row per loaded plugin, in run order. */
  readonly sensors: readonly SensorRow[];
  readonly plugins: Readonly<Record<string, SensorReading>>;
  readonly errors: readonly StepError[];
  readonly timing: StepTiming;
}

/**
 * What a bar sensor sees of the current step: the frozen results of the layers that ran before its
 * own. Plugins of its own and later layers are absent.
 */
export interface PartialStep {
  readonly bar: Bar;
  readonly index: number;
  readonly symbol?: string;
  readonly sensors: readonly SensorRow[];
  readonly plugins: Readonly<Record<string, SensorReading>>;
}
