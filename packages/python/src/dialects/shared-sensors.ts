import type { Clock, Logger } from '@keel/contract';
import { PythonProcess } from '../python-process.js';
import { RUNTIME_DIR, SHIMS_DIR } from '../runtime-paths.js';
import { SupervisedPython } from '../supervised-process.js';

/**
 * The opt-in shared process (`process: 'shared'`): every SMK plugin of a host with the same
 * interpreter runs in one child, which builds each bar's DataFrame once for all of them, as the
 * SMK engine itself does. The price is containment: a crash, a hang or a kill for a budget takes
 * every member down together (they restart together too).
 */
export class SharedSensorGroup {
  readonly supervisor: SupervisedPython;
  private readonly attached = new Map<string, number>();
  private readonly specs = new Map<string, Record<string, unknown>>();
  private members = 0;
  private started: Promise<void> | undefined;
  private readonly release: () => void;

  constructor(python: string, log: Logger, maxLineBytes: number, release: () => void) {
    this.release = release;
    this.supervisor = new SupervisedPython({
      python,
      spec: {
        runtime: RUNTIME_DIR,
        shims: SHIMS_DIR,
        path: [],
        shared: true,
        maxReadingBytes: maxLineBytes - 4096,
      },
      label: `shared SMK process (${python})`,
      log,
      onCall: (op) => {
        throw new Error(`host call ${op} is not available to SMK plugins`);
      },
      maxLineBytes,
      startTimeoutMs: 30_000,
    });
  }

  /** Adds a plugin to the process (starting it on first use); resolves once its class is loaded there. */
  async attach(key: string, spec: Record<string, unknown>): Promise<void> {
    this.members++;
    this.started ??= this.supervisor.start();
    await this.started;
    this.specs.set(key, spec);
    const current = await this.supervisor.current();
    await this.send(current, key);
  }

  /** The process to send to, with `key` attached there (again, after a restart). */
  current(key: string): PythonProcess | Promise<PythonProcess> {
    const current = this.supervisor.current();
    if (current instanceof PythonProcess) {
      if (this.attached.get(key) !== this.supervisor.generation)
        void this.send(current, key).catch(() => undefined);
      return current;
    }
    return current.then((p) => {
      if (this.attached.get(key) !== this.supervisor.generation)
        void this.send(p, key).catch(() => undefined);
      return p;
    });
  }

  async detach(): Promise<void> {
    if (--this.members > 0) return;
    this.release();
    await this.supervisor.dispose();
  }

  // Requests run in order in the child, so a bar sent right after this attach finds its plugin.
  private send(proc: PythonProcess, key: string): Promise<unknown> {
    this.attached.set(key, this.supervisor.generation);
    return proc.request('attach', { k: key, spec: this.specs.get(key) ?? {} });
  }
}

const groups = new WeakMap<Clock, Map<string, SharedSensorGroup>>();

/** The host's shared SMK process for `python` (one per host and interpreter). */
export function sharedSensorGroup(
  clock: Clock,
  python: string,
  log: Logger,
  maxLineBytes: number,
): SharedSensorGroup {
  let byPython = groups.get(clock);
  if (byPython === undefined) {
    byPython = new Map();
    groups.set(clock, byPython);
  }
  const map = byPython;
  let group = map.get(python);
  if (group === undefined) {
    group = new SharedSensorGroup(python, log, maxLineBytes, () => map.delete(python));
    map.set(python, group);
  }
  return group;
}
