import type { Budget } from '@keel/contract';
import type { ClassInfo } from '../inspect-plugin.js';
import type { ResolvedPlugin } from '../options.js';

const DEFAULT_MAX_RESULT_BYTES = 1024 * 1024;

/** Manifest fields every dialect fills the same way. */
export function commonManifest(plugin: ResolvedPlugin, info: ClassInfo, id: string) {
  return {
    id,
    name: info.name,
    version: info.version ?? '1.0.0',
    description: (info.description ?? '').slice(0, 2000) || `Python plugin ${plugin.label}`,
  };
}

export interface ProcessLimits {
  /** The manifest budget (undefined: the host's default for the hook). */
  readonly budget: Budget | undefined;
  /** `RLIMIT_AS` headroom in the child. */
  readonly memMb: number | undefined;
  readonly maxResultBytes: number;
  readonly startTimeoutMs: number;
}

/**
 * The budget: the options win over what the class declares (`est_cpu_ms`, `est_mem_mb`). An
 * estimate of CPU time is not a deadline, so the timeout is ten times the estimate, at least 1 s.
 */
export function processLimits(
  plugin: ResolvedPlugin,
  declared: { cpuMs?: number | null; memMb?: number | null } | undefined,
): ProcessLimits {
  const o = plugin.options.budget;
  const cpuMs = positive(o?.cpuMs) ?? positive(declared?.cpuMs);
  const memMb = positive(o?.memMb) ?? positive(declared?.memMb);
  const timeoutMs = positive(o?.timeoutMs) ?? (cpuMs === undefined ? undefined : Math.max(1000, cpuMs * 10));
  let budget: Budget | undefined;
  if (timeoutMs !== undefined || memMb !== undefined || cpuMs !== undefined) {
    budget = { timeoutMs: timeoutMs ?? 1000 };
    if (cpuMs !== undefined) budget.cpuMs = Math.round(cpuMs);
    if (memMb !== undefined) budget.memMb = Math.round(memMb);
  }
  return {
    budget,
    memMb,
    maxResultBytes: plugin.options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
    startTimeoutMs: plugin.options.startTimeoutMs ?? 30_000,
  };
}

function positive(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
