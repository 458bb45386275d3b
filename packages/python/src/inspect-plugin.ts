import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { PythonError, type PythonErrorCode } from './errors.js';
import type { ResolvedPlugin } from './options.js';
import { BOOTSTRAP, childEnv, RUNTIME_DIR, SHIMS_DIR } from './runtime-paths.js';

/** What the interpreter reports about a plugin class, before any process is kept running. */
export interface ClassInfo {
  readonly dialect: 'sensor' | 'scheduled' | 'service';
  readonly className: string;
  readonly name: string;
  readonly version?: string;
  readonly description?: string;
  // sensor
  readonly layer?: string;
  readonly sensorId?: string | null;
  readonly enabled?: boolean;
  readonly warmup?: number;
  readonly window?: number | null;
  // scheduled
  readonly pluginId?: string;
  readonly category?: string;
  readonly inputs?: string[];
  readonly outputs?: string[];
  readonly estCpuMs?: number | null;
  readonly estMemMb?: number | null;
  readonly schedule?: string | null;
  readonly triggers?: string[];
  readonly dependencies?: string[];
  // service
  readonly hasDescribe?: boolean;
}

export type InspectResult =
  | { ok: true; info: ClassInfo }
  | { ok: false; error: PythonError; phase: 'import' | 'manifest' };

const cache = new Map<string, InspectResult>();

/** The spec the bootstrap reads from `KEEL_PY_SPEC`. */
export function processSpec(
  plugin: ResolvedPlugin,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    file: plugin.file,
    module: plugin.module,
    className: plugin.className,
    path: plugin.sysPath,
    runtime: RUNTIME_DIR,
    shims: SHIMS_DIR,
    config: plugin.options.config ?? {},
    ...extra,
  };
}

/**
 * Imports the class in a short-lived interpreter and reads its dialect and manifest fields. The
 * host needs the manifest synchronously, so this blocks; the answer is cached per interpreter, file
 * (and its modification time) and class, so a factory called for every host pays it once.
 */
export function inspectPlugin(plugin: ResolvedPlugin): InspectResult {
  let mtime = 0;
  try {
    if (plugin.file !== undefined) mtime = statSync(plugin.file).mtimeMs;
  } catch {
    // Missing file: the bootstrap reports it with its hint.
  }
  const key = JSON.stringify([
    plugin.python,
    plugin.label,
    plugin.file,
    plugin.sysPath,
    mtime,
    plugin.options.config,
  ]);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = runInspect(plugin);
  // Only successes are cached: a fixed dependency should load on the next try.
  if (result.ok) cache.set(key, result);
  return result;
}

function runInspect(plugin: ResolvedPlugin): InspectResult {
  const out = spawnSync(plugin.python, ['-u', BOOTSTRAP, 'inspect'], {
    env: childEnv(processSpec(plugin)),
    encoding: 'utf8',
    timeout: plugin.options.startTimeoutMs ?? 30_000,
    maxBuffer: 4 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (out.error !== undefined) {
    const code = (out.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return {
        ok: false,
        phase: 'import',
        error: new PythonError(
          'PYTHON_INTERPRETER_NOT_FOUND',
          `python interpreter ${JSON.stringify(plugin.python)} not found for ${plugin.label}`,
          {
            field: 'python',
            value: plugin.python,
            hint: 'install python3 (apt-get install python3) or set the python option / KEEL_PYTHON to an interpreter path',
          },
        ),
      };
    }
    return {
      ok: false,
      phase: 'import',
      error: new PythonError(
        'PYTHON_INSPECT_FAILED',
        `inspecting ${plugin.label} failed: ${out.error.message}`,
      ),
    };
  }
  const line = out.stdout.trim().split('\n').pop() ?? '';
  let answer: {
    ok: boolean;
    info?: ClassInfo;
    code?: string;
    message?: string;
    hint?: string | null;
    phase?: string;
  };
  try {
    answer = JSON.parse(line) as typeof answer;
  } catch {
    const why = out.signal !== null ? `killed by ${out.signal}` : `exit code ${out.status}`;
    return {
      ok: false,
      phase: 'import',
      error: new PythonError('PYTHON_INSPECT_FAILED', `inspecting ${plugin.label} gave no answer (${why})`, {
        hint: 'run the file with the same interpreter to see what happens at import time',
      }),
    };
  }
  if (answer.ok && answer.info !== undefined) return { ok: true, info: answer.info };
  const code = (answer.code ?? 'PYTHON_IMPORT_ERROR') as PythonErrorCode;
  return {
    ok: false,
    phase: answer.phase === 'manifest' ? 'manifest' : 'import',
    error: new PythonError(code, `${plugin.label}: ${answer.message ?? 'import failed'}`, {
      field: plugin.file === undefined ? 'module' : 'file',
      value: plugin.file ?? plugin.module,
      ...(answer.hint ? { hint: answer.hint } : {}),
    }),
  };
}
