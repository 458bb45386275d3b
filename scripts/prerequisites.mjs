// The system programs that optional test suites need, found or installed before `npm test` runs.
// Each suite still skips itself with a visible reason when its program is absent, so a machine
// without them (or without root and apt-get) runs everything else.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** What a suite needs, how to find it, and the Debian package that provides it. */
const PREREQUISITES = [
  {
    name: 'chromium',
    apt: 'chromium',
    suites: 'dashboard browser tests (apps/reference)',
    found: () => existsSync('/usr/bin/chromium'),
  },
  {
    name: 'redis-server',
    apt: 'redis-server',
    suites: '@keel/redis adapter tests',
    found: () => onPath('redis-server') !== undefined,
  },
  {
    name: 'python3 with pandas',
    apt: 'python3-pandas',
    suites: '@keel/python plugin tests',
    found: () => pythonWithPandas() !== undefined,
  },
];

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The first interpreter that imports pandas: `KEEL_PYTHON`, then `python3` on PATH, then Debian's
 * `/usr/bin/python3` (where `apt-get install python3-pandas` puts it, even when a pyenv or venv
 * `python3` without pandas comes first on PATH).
 */
export function pythonWithPandas() {
  const candidates = [process.env.KEEL_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import pandas'], { stdio: 'ignore', timeout: 60_000 });
    if (probe.status === 0) return python;
  }
  return undefined;
}

function canUseApt() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot && onPath('apt-get') !== undefined && process.env.KEEL_NO_APT !== '1';
}

/**
 * Installs missing prerequisites with apt-get when this process is root on a Debian-like system
 * (CI, a fresh container) and `KEEL_NO_APT` is not `1`; otherwise says which suites will skip and
 * the command that would enable them. Returns the environment additions the tests need
 * (`KEEL_PYTHON` when the interpreter with pandas is not the `python3` on PATH).
 */
export function ensurePrerequisites(log = console.log) {
  let missing = PREREQUISITES.filter((p) => !p.found());
  if (missing.length > 0 && canUseApt()) {
    const packages = missing.map((p) => p.apt);
    log(`\n▶ apt-get install ${packages.join(' ')}  (for ${missing.map((p) => p.suites).join('; ')})`);
    const logFile = '/tmp/keel-apt.log';
    const script = `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${packages.join(' ')}`;
    const result = spawnSync('bash', ['-c', `{ ${script}; } >${logFile} 2>&1`], { stdio: 'inherit' });
    if (result.status !== 0) log(`  apt-get failed (see ${logFile}); those suites will skip`);
    missing = PREREQUISITES.filter((p) => !p.found());
  }
  for (const p of missing) {
    log(`note: ${p.name} not found: ${p.suites} will skip (install: apt-get install ${p.apt})`);
  }
  const env = {};
  const python = pythonWithPandas();
  if (python !== undefined && python !== 'python3' && process.env.KEEL_PYTHON === undefined) {
    env.KEEL_PYTHON = python;
  }
  return env;
}
