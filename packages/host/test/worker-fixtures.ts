import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Bar, definePlugin, type KeelPlugin, type OnBarArgs, type SensorReading } from '@keel/contract';
import { createHost, type Host, type HostOptions } from '../src/host.js';
import { createLogger } from '../src/logger.js';
import type { HostStepResult } from '../src/pipeline.js';
import { generateBars } from '../src/synthetic-bars.js';

// Shared by the worker-isolation tests: real plugin modules written to a temp directory as `.mjs`
// (so a worker thread imports them without a loader), and small host helpers.

export interface ModuleSpec {
  readonly id: string;
  readonly worker?: boolean;
  readonly layer?: string;
  readonly warmup?: number;
  readonly window?: number;
  readonly budget?: Record<string, number>;
  /** Module-level code before the plugin (imports, state). */
  readonly head?: string;
  /** More plugin keys (hooks, config). */
  readonly extra?: string;
  /** Body of `async onBar({ bar, window, step, config, ctx, signal })`. */
  readonly onBar: string;
}

export const moduleSource = (m: ModuleSpec): string => `${m.head ?? ''}
export default {
  id: '${m.id}', name: '${m.id}', version: '1.0.0', category: 'alpha',
  layer: '${m.layer ?? 'L3-ext'}', warmup: ${m.warmup ?? 5}, window: ${m.window ?? 5},
  ${m.worker ? "isolation: 'worker'," : ''}
  ${m.budget ? `budget: ${JSON.stringify(m.budget)},` : ''}
  ${m.extra ?? ''}
  async onBar({ bar, window, step, config, ctx, signal }) { ${m.onBar} },
};
`;

/** An `onBar` body that is stateless over the window and reads the earlier layer and the call's signal. */
export const SMA = `
  const v = window.close.values();
  let sum = 0;
  for (const x of v) sum += x;
  const mean = sum / v.length;
  const diff = window.close.get(-1) - mean;
  const base = step.plugins['base-sma'];
  return { active: diff > 0, score: Math.min(1, Math.abs(diff)), status: diff > 0 ? 'up' : 'down', mean,
    len: window.length, oldest: window.time.get(0), last: window.at(-1).close, base: base ? base.score : null,
    index: step.index, time: bar.time, rows: step.sensors.length, aborted: signal.aborted };
`;

export interface PluginDir {
  readonly path: string;
  write(name: string, spec: ModuleSpec): Promise<string>;
  remove(): Promise<void>;
}

/** A temp directory for plugin modules, with `zod` importable as from a real plugin package. */
export async function createPluginDir(): Promise<PluginDir> {
  const dir = await mkdtemp(path.join(tmpdir(), 'keel-host-worker-'));
  const zod = path.dirname(createRequire(import.meta.url).resolve('zod/package.json'));
  await mkdir(path.join(dir, 'node_modules'));
  await symlink(zod, path.join(dir, 'node_modules', 'zod'), 'dir');
  return {
    path: dir,
    async write(name, spec) {
      const file = path.join(dir, name);
      await writeFile(file, moduleSource(spec));
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The in-process base layer every run has, so worker plugins get a non-empty partial step. */
export const baseSma = (): KeelPlugin =>
  definePlugin({
    id: 'base-sma',
    name: 'base',
    version: '1.0.0',
    category: 'alpha',
    layer: 'L2',
    warmup: 3,
    window: 3,
    onBar: ({ window }: OnBarArgs): SensorReading => {
      const d = window.close.get(-1) - window.close.get(0);
      return { active: d > 0, score: Math.min(1, Math.abs(d)), status: 'ok' };
    },
  });

export const hostWith = (options: HostOptions = {}): Host =>
  createHost({
    cache: { memory: true },
    ...options,
    services: { logger: createLogger({ level: 'silent' }), ...options.services },
  });

export const bars = (count: number, seed = 11): Bar[] => [...generateBars({ count, seed })];

export async function collect(host: Host, data: Iterable<Bar>): Promise<HostStepResult[]> {
  const out: HostStepResult[] = [];
  await host.replay(data, { onStep: (r) => out.push(r) });
  return out;
}

/** Readings per step without the given plugins (for comparing neighbours across runs). */
export const readingsWithout = (steps: HostStepResult[], ...ids: string[]) =>
  steps.map((s) => Object.fromEntries(Object.entries(s.plugins).filter(([id]) => !ids.includes(id))));
