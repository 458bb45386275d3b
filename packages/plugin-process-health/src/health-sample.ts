import type { JsonObject } from '@keel/contract';

/** One measurement of the host process. Sizes in MiB, times in milliseconds. */
export interface HealthSample extends JsonObject {
  /** The host clock when sampled (bar time in a replay). */
  at: number;
  /** Event-loop delay since the previous sample (`null` before the monitor has a measurement). */
  lagMeanMs: number | null;
  lagP99Ms: number | null;
  lagMaxMs: number | null;
  heapUsedMb: number;
  heapTotalMb: number;
  rssMb: number;
  externalMb: number;
  /** Process CPU time over the wall time since the previous sample, % of one core (`null` on the first). */
  cpuPercent: number | null;
  /** CPU time used since the process started. */
  cpuUserMs: number;
  cpuSystemMs: number;
  breaches: Breach[];
  ok: boolean;
}

export type HealthMetric = 'lagP99Ms' | 'heapUsedMb' | 'rssMb' | 'cpuPercent';

export interface Breach extends JsonObject {
  metric: HealthMetric;
  value: number;
  limit: number;
}

export interface HealthThresholds {
  readonly maxLagP99Ms: number;
  readonly maxHeapUsedMb: number;
  readonly maxRssMb: number;
  readonly maxCpuPercent: number;
}

/** The metrics above their limits (strictly above: a value on the limit is fine). */
export function findBreaches(sample: Pick<HealthSample, HealthMetric>, limits: HealthThresholds): Breach[] {
  const checks: Array<[HealthMetric, number | null, number]> = [
    ['lagP99Ms', sample.lagP99Ms, limits.maxLagP99Ms],
    ['heapUsedMb', sample.heapUsedMb, limits.maxHeapUsedMb],
    ['rssMb', sample.rssMb, limits.maxRssMb],
    ['cpuPercent', sample.cpuPercent, limits.maxCpuPercent],
  ];
  const out: Breach[] = [];
  for (const [metric, value, limit] of checks) {
    if (value !== null && value > limit) out.push({ metric, value, limit });
  }
  return out;
}
