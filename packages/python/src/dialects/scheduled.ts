import path from 'node:path';
import type {
  Category,
  HostContext,
  JsonValue,
  KeelPlugin,
  PluginResult,
  ScheduleEntry,
} from '@keel/contract';
import { hostShared } from '../host-shared.js';
import type { ClassInfo } from '../inspect-plugin.js';
import { processSpec } from '../inspect-plugin.js';
import { PythonError } from '../errors.js';
import { kebabId, type ResolvedPlugin } from '../options.js';
import { SupervisedPython } from '../supervised-process.js';
import { readBars } from './bars.js';
import { commonManifest, processLimits } from './common.js';

/** Outputs the host itself provides to `plan()` dependencies: its bar series. */
export const HOST_OUTPUTS: readonly string[] = ['bars', 'market_data', 'ohlcv', 'prices'];

/** `interval_1m`, `@open`, a cron: passed through; Keel's schedule grammar is a superset of OptiFIRE's. */
function jobsOf(info: ClassInfo): string[] {
  const whens: string[] = [];
  if (typeof info.schedule === 'string' && info.schedule.trim() !== '') whens.push(info.schedule.trim());
  for (const trigger of info.triggers ?? []) whens.push(`on:${trigger}`);
  if (whens.length === 0) whens.push('@idle');
  return [...new Set(whens)];
}

interface RunAnswer {
  success: boolean;
  data?: JsonValue;
  error?: string;
  dataSet?: Record<string, JsonValue>;
  dataDel?: string[];
}

/**
 * An OptiFIRE `Plugin` as Keel scheduled jobs: `plan()`'s schedule and each trigger (`on:<event>`)
 * run `run(context)` in the child. `context.db` is the plugin's own SQLite file, `context.data` the
 * host-wide dict (sent with each run, changes merged back), `DataFeed` reads `ctx.market` bounded
 * by the run's due time.
 */
export function createScheduledPlugin(plugin: ResolvedPlugin, info: ClassInfo): KeelPlugin {
  const id = plugin.options.id ?? kebabId(info.pluginId ?? info.name);
  const limits = processLimits(plugin, { cpuMs: info.estCpuMs ?? null, memMb: info.estMemMb ?? null });
  const dbPath = path.join(plugin.dataDir, `${id}.sqlite`);
  let proc: SupervisedPython | undefined;
  // The context of the run in progress: the child's `bars` calls read through its `market`.
  let running: HostContext | undefined;
  let setupCtx: HostContext | undefined;

  const run = async (ctx: HostContext): Promise<PluginResult> => {
    const shared = hostShared(ctx.clock);
    running = ctx;
    try {
      const answer = (await (proc as SupervisedPython).request(
        'run',
        { data: Object.fromEntries(shared.data), due: ctx.clock.now() },
        ctx.signal,
      )) as RunAnswer;
      for (const [key, value] of Object.entries(answer.dataSet ?? {})) shared.data.set(key, value);
      for (const key of answer.dataDel ?? []) shared.data.delete(key);
      const result: PluginResult = { success: answer.success === true };
      if (answer.data !== undefined && answer.data !== null) result.data = answer.data;
      if (typeof answer.error === 'string') result.error = answer.error;
      else if (!result.success) result.error = 'run() returned success=False';
      return result;
    } finally {
      running = undefined;
    }
  };
  const schedule: ScheduleEntry[] = jobsOf(info).map((when) => ({ when, name: when, run }));
  return {
    ...commonManifest(plugin, info, id),
    category: (info.category ?? 'alpha') as Category,
    inputs: info.inputs ?? [],
    outputs: info.outputs ?? [],
    ...(limits.budget === undefined ? {} : { budget: limits.budget }),
    schedule,
    async setup(ctx) {
      setupCtx = ctx;
      const shared = hostShared(ctx.clock);
      const provided = new Set([...HOST_OUTPUTS, ...(plugin.options.provides ?? [])]);
      for (const dependency of info.dependencies ?? []) {
        if (!shared.outputs.has(dependency) && !provided.has(dependency)) {
          throw new PythonError(
            'PYTHON_MISSING_DEPENDENCY',
            `${id}: plan() dependency ${JSON.stringify(dependency)} is not an output of any plugin loaded before it`,
            {
              field: 'plan.dependencies',
              value: dependency,
              hint: `load the plugin whose describe().outputs lists ${JSON.stringify(dependency)} first, or name the data source in the provides option`,
            },
          );
        }
      }
      proc = new SupervisedPython({
        python: plugin.python,
        spec: processSpec(plugin, {
          memMb: limits.memMb,
          maxReadingBytes: limits.maxResultBytes,
          pluginId: id,
          dbPath,
        }),
        label: `${id} (${plugin.label})`,
        log: ctx.log,
        onCall: (op, p) => {
          const current = running ?? setupCtx;
          if (current === undefined) throw new Error('no host context');
          if (op === 'bars') return readBars(current, p);
          if (op === 'bus.publish') {
            current.bus.publish(String(p.type), (p.data ?? null) as JsonValue);
            return undefined;
          }
          if (op === 'log') return logFromChild(current, p);
          throw new Error(`host call ${op} is not available to OptiFIRE plugins`);
        },
        maxLineBytes: limits.maxResultBytes + 4096,
        startTimeoutMs: limits.startTimeoutMs,
      });
      await proc.start();
      for (const output of info.outputs ?? []) shared.outputs.add(output);
    },
    async dispose() {
      await proc?.dispose();
    },
  };
}

export function logFromChild(ctx: HostContext, p: Record<string, unknown>): undefined {
  const msg = String(p.msg ?? '');
  const level = p.level === 'error' || p.level === 'warn' || p.level === 'debug' ? p.level : 'info';
  ctx.log[level](msg);
  return undefined;
}
