import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The test fixtures folder (the Python plugins written as their codebases write them). */
export const FIXTURES = path.resolve(here, '..', 'fixtures');
export const fixture = (...parts: string[]): string => path.join(FIXTURES, ...parts);

function canImport(python: string, modules: string): boolean {
  const out = spawnSync(python, ['-c', `import ${modules}`], { stdio: 'ignore', timeout: 60_000 });
  return out.status === 0;
}

let probed: string | null | undefined;

/**
 * An interpreter with pandas: `KEEL_PYTHON`, then Debian's `/usr/bin/python3` (python3-pandas), then
 * `python3` on PATH (here a pyenv build without pandas). Probed once per test file.
 */
export function findPandasPython(): string | undefined {
  if (probed === undefined) {
    const candidates = [process.env.KEEL_PYTHON, '/usr/bin/python3', 'python3'].filter(
      (p): p is string => typeof p === 'string' && p !== '',
    );
    probed = candidates.find((p) => canImport(p, 'pandas, numpy')) ?? null;
  }
  return probed ?? undefined;
}

/** Any python3, for the numpy-free plugins. */
export function findAnyPython(): string | undefined {
  return [process.env.KEEL_PYTHON, 'python3', '/usr/bin/python3'].find(
    (p): p is string => typeof p === 'string' && p !== '' && canImport(p, 'json'),
  );
}

/** An interpreter on this machine without pandas (to test the load error), if there is one. */
export function findPythonWithoutPandas(): string | undefined {
  return ['python3', '/usr/bin/python3'].find((p) => canImport(p, 'json') && !canImport(p, 'pandas'));
}

/**
 * `describe` for suites that need Python with pandas: skipped with a visible reason where none is
 * installed, and failing under `CI=true` (CI installs python3-pandas).
 */
export const describeWithPandas: typeof describe = ((name: string, ...rest: unknown[]) => {
  if (findPandasPython() !== undefined || process.env.CI === 'true') {
    return (describe as (...a: unknown[]) => unknown)(name, ...rest);
  }
  return (describe.skip as (...a: unknown[]) => unknown)(
    `${name} (skipped: no Python with pandas; apt-get install python3-pandas or set KEEL_PYTHON)`,
    ...rest,
  );
}) as typeof describe;

/** The pandas interpreter; throws a clear error (CI) when there is none. */
export function pandasPython(): string {
  const python = findPandasPython();
  if (python === undefined) {
    throw new Error(
      'no Python with pandas found (tried KEEL_PYTHON, /usr/bin/python3, python3): apt-get install python3-pandas',
    );
  }
  return python;
}

/** Pids of this process's live children (zombies excluded), read from /proc. */
export function childPids(parent = process.pid): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(Number(name));
    if (stat !== undefined && stat.ppid === parent && stat.state !== 'Z') pids.push(Number(name));
  }
  return pids;
}

/** True while a pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

function procStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid ...`; comm may hold spaces and parentheses, so split after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '', ppid: Number(rest[1]) };
  } catch {
    return undefined;
  }
}

/** This process's live Keel Python plugin processes (children running the bootstrap). */
export function pluginPids(parent = process.pid): number[] {
  return childPids(parent).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('keel_runtime/bootstrap.py');
    } catch {
      return false;
    }
  });
}
