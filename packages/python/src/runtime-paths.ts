import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `src/` and `dist/` both sit beside `python/` in the package, so one relative path serves both.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'python');

/** The folder holding `keel_runtime` (the bootstrap and protocol) — put on the child's `sys.path`. */
export const RUNTIME_DIR = root;
/** Keel's dialect modules (`plugins`, `optifire.*`, `prism_host`): last on `sys.path`. */
export const SHIMS_DIR = path.join(root, 'shims');
export const BOOTSTRAP = path.join(root, 'keel_runtime', 'bootstrap.py');

/**
 * Environment of every plugin process: one BLAS thread each (processes, not threads, are the unit of
 * parallelism here). With a `memMb` budget, one malloc arena too, so that `RLIMIT_AS` counts what the
 * plugin allocates rather than per-thread arena reservations (it costs time per call, so only then).
 */
export function childEnv(
  spec: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const limited = typeof spec.memMb === 'number';
  return {
    ...env,
    KEEL_PY_SPEC: JSON.stringify(spec),
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONIOENCODING: 'utf-8',
    OPENBLAS_NUM_THREADS: '1',
    OMP_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
    ...(limited ? { MALLOC_ARENA_MAX: '1' } : {}),
  };
}
