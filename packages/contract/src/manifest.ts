import { z } from 'zod';

export const CATEGORIES = ['alpha', 'fe', 'risk', 'ml', 'ai', 'exec', 'ux', 'diag', 'infra', 'data'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Bar-sensor layers in the order the host runs them. */
export const LAYERS = ['L1', 'L2', 'L3', 'L4', 'L2-ext', 'L3-ext', 'EXE'] as const;
export type Layer = (typeof LAYERS)[number];

/** Position of a layer in the run order (lower runs first). */
export function layerRank(layer: Layer): number {
  return LAYERS.indexOf(layer);
}

export const PLUGIN_ID_PATTERN = /^[a-z][a-z0-9-]{1,63}$/;
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export const BudgetSchema = z
  .object({
    /**
     * Wall-clock limit for one `onBar` call or one scheduled run. An async call is aborted; a
     * synchronous one that returns late has its reading replaced by `TIMEOUT (overran by N ms)`.
     */
    timeoutMs: z.number().int().positive().max(3_600_000),
    /** CPU limit for one synchronous in-process `onBar` call (see the host's budget docs). */
    cpuMs: z.number().int().positive().optional(),
    memMb: z.number().int().positive().optional(),
  })
  .strict();
export type Budget = z.infer<typeof BudgetSchema>;

export const IsolationSchema = z.enum(['in-process', 'worker']);
export type Isolation = z.infer<typeof IsolationSchema>;

/** The data fields of a plugin manifest (hooks and the config schema are checked separately). */
export const ManifestSchema = z.object({
  id: z.string().regex(PLUGIN_ID_PATTERN, 'must match ^[a-z][a-z0-9-]{1,63}$'),
  name: z.string().min(1).max(80),
  version: z.string().regex(SEMVER, 'must be a semver version such as 1.2.3'),
  category: z.enum(CATEGORIES),
  description: z.string().max(2000).default(''),
  layer: z.enum(LAYERS).default('L3-ext'),
  sensorId: z.string().min(1).max(64).optional(),
  warmup: z.number().int().nonnegative().default(20),
  window: z.number().int().min(2).max(1_000_000).default(60),
  inputs: z.array(z.string().min(1)).default([]),
  outputs: z.array(z.string().min(1)).default([]),
  budget: BudgetSchema.default({ timeoutMs: 1000 }),
  isolation: IsolationSchema.default('in-process'),
});

/** What a plugin author writes (defaults not yet applied). */
export type ManifestInput = z.input<typeof ManifestSchema>;
/** The manifest after validation: every default filled in, `sensorId` resolved. */
export type Manifest = z.output<typeof ManifestSchema> & { sensorId: string };

/** Default sensor row id for a plugin id (`atr-burst` → `atr_burst`). */
export function defaultSensorId(id: string): string {
  return id.replace(/-/g, '_');
}
