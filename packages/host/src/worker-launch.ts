import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Old-generation heap of a plugin worker when its manifest sets no `budget.memMb`. */
export const DEFAULT_WORKER_MEM_MB = 256;

/**
 * Starts a thread running `worker-entry`. Built, that is `dist/worker-entry.js` beside this file.
 * Running from source (tests and dev use the `@keel/source` condition on `src/*.ts`), the entry is a
 * `.ts` file: the thread registers `tsx` itself, because loader hooks given as `--import tsx` in a
 * worker's `execArgv` do not reach the worker's own module graph on Node 20. `tsx` is a dev tool
 * of this repository, never a dependency of the package: only the source path looks for it.
 */
export function launchWorker(options: WorkerOptions & { memMb: number | undefined }): Worker {
  const { memMb, ...rest } = options;
  const settings: WorkerOptions = {
    ...rest,
    resourceLimits: { maxOldGenerationSizeMb: memMb ?? DEFAULT_WORKER_MEM_MB },
  };
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker-entry.js', here), settings);
  const entry = new URL('./worker-entry.ts', here).href;
  const bootstrap = `(async () => {
  const { register } = await import(${JSON.stringify(tsxApi())});
  register();
  await import(${JSON.stringify(entry)});
})().catch((error) => { setImmediate(() => { throw error; }); });`;
  return new Worker(bootstrap, { ...settings, eval: true, execArgv: ['--conditions=@keel/source'] });
}

function tsxApi(): string {
  // `require.resolve` would pick the CommonJS build, which cannot load tsx's ESM internals from a
  // worker: take the `import` target of `tsx/esm/api` from tsx's own exports map.
  try {
    const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
      exports?: Record<string, { import?: { default?: string } | string }>;
    };
    const target = pkg.exports?.['./esm/api']?.import;
    const file = typeof target === 'string' ? target : target?.default;
    if (file !== undefined) return pathToFileURL(path.join(path.dirname(manifest), file)).href;
  } catch {
    // Fall through: let the thread resolve the bare name from its working directory.
  }
  return 'tsx/esm/api';
}
