import type { Bar, BarWindow, KeelPlugin, Layer, PartialStep, SensorReading } from '@keel/contract';
import type { ClassInfo } from '../inspect-plugin.js';
import { processSpec } from '../inspect-plugin.js';
import { kebabId, type ResolvedPlugin } from '../options.js';
import { PythonProcess } from '../python-process.js';
import { SupervisedPython } from '../supervised-process.js';
import { commonManifest, processLimits } from './common.js';
import { logFromChild } from './scheduled.js';
import { type SharedSensorGroup, sharedSensorGroup } from './shared-sensors.js';

/** SMK layer names as that codebase writes them → Keel layers (`λ-ext` runs with the extensions). */
const LAYER_ALIASES: Record<string, Layer> = {
  'λ-ext': 'L3-ext',
  'lambda-ext': 'L3-ext',
  'EXE-ext': 'EXE',
};

export function sensorLayer(layer: string | undefined): string {
  if (layer === undefined) return 'L3-ext';
  return LAYER_ALIASES[layer] ?? layer;
}

type Row =
  | [number, number, number, number, number, number]
  | [number, number, number, number, number, number, Record<string, number>];

function rowOf(bar: Bar): Row {
  const aux = bar.aux;
  if (aux !== undefined) {
    for (const _ in aux) return [bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume, aux];
  }
  return [bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume];
}

function rowsOf(window: BarWindow): Row[] {
  const rows: Row[] = new Array(window.length);
  for (let i = 0; i < window.length; i++) rows[i] = rowOf(window.at(i) as Bar);
  return rows;
}

/** `smk`: what earlier layers produced this bar, keyed by plugin id and by display name. */
function smkOf(step: PartialStep): Record<string, SensorReading> {
  const out: Record<string, SensorReading> = {};
  const plugins = step.plugins;
  for (const row of step.sensors) {
    const reading = plugins[row.plugin];
    if (reading === undefined) continue;
    out[row.plugin] = reading;
    out[row.name] = reading;
  }
  return out;
}

/**
 * An SMKPlugin class as a Keel bar sensor. The child keeps the rolling window: the host's window
 * travels once (first call, and after a restart, a reset or skipped bars), then each call carries
 * only the new bar, and the child rebuilds `df` from its own copy exactly as the class expects.
 */
export function createSensorPlugin(plugin: ResolvedPlugin, info: ClassInfo): KeelPlugin {
  const window = plugin.options.window ?? (typeof info.window === 'number' ? info.window : 60);
  const limits = processLimits(plugin, undefined);
  let proc: SupervisedPython | undefined;
  let group: SharedSensorGroup | undefined;
  const shared = plugin.options.process === 'shared';
  // Time of the newest bar the child holds, and which process generation holds it.
  let syncedTime = Number.NaN;
  let syncedGeneration = -1;
  const id = plugin.options.id ?? kebabId(info.name);
  return {
    ...commonManifest(plugin, info, id),
    category: 'alpha',
    layer: sensorLayer(info.layer) as Layer,
    ...(typeof info.sensorId === 'string' && info.sensorId !== '' ? { sensorId: info.sensorId } : {}),
    warmup: info.warmup ?? 20,
    window: Math.max(2, window),
    ...(limits.budget === undefined ? {} : { budget: limits.budget }),
    async setup(ctx) {
      if (shared) {
        group = sharedSensorGroup(ctx.clock, plugin.python, ctx.log, limits.maxResultBytes + 4096);
        proc = group.supervisor;
        await group.attach(id, processSpec(plugin, { window }));
        return;
      }
      proc = new SupervisedPython({
        python: plugin.python,
        spec: processSpec(plugin, {
          window,
          memMb: limits.memMb,
          maxReadingBytes: limits.maxResultBytes,
          pluginId: id,
        }),
        label: `${id} (${plugin.label})`,
        log: ctx.log,
        onCall: (op, p) => {
          if (op === 'log') return logFromChild(ctx, p);
          throw new Error(`host call ${op} is not available to SMK plugins`);
        },
        maxLineBytes: limits.maxResultBytes + 4096,
        startTimeoutMs: limits.startTimeoutMs,
      });
      await proc.start();
    },
    onBar({ bar, window: view, step, signal }) {
      const supervisor = proc as SupervisedPython;
      // Taken first: a dead process is replaced here, and the new generation needs the window.
      const current = group === undefined ? supervisor.current() : group.current(id);
      const generation = supervisor.generation;
      const body: Record<string, unknown> = shared ? { k: id } : {};
      const previous = view.length >= 2 ? view.time.get(view.length - 2) : Number.NaN;
      if (generation === syncedGeneration && previous === syncedTime) body.b = rowOf(bar);
      else body.w = rowsOf(view);
      if (step.sensors.length > 0) body.smk = smkOf(step);
      syncedTime = bar.time;
      syncedGeneration = generation;
      const sent =
        current instanceof PythonProcess
          ? current.request('bar', body, signal)
          : current.then((p) => p.request('bar', body, signal));
      return sent as Promise<SensorReading>;
    },
    reset() {
      syncedTime = Number.NaN;
      syncedGeneration = -1;
      proc?.running?.request('reset', shared ? { k: id } : {}).catch(() => undefined);
    },
    async dispose() {
      if (group !== undefined) await group.detach();
      else await proc?.dispose();
    },
  };
}
