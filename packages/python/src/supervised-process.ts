import type { Logger } from '@keel/contract';
import { PythonError } from './errors.js';
import { type HostCallHandler, PythonProcess } from './python-process.js';

export interface SupervisedOptions {
  readonly python: string;
  readonly spec: Record<string, unknown>;
  readonly label: string;
  readonly log: Logger;
  readonly onCall: HostCallHandler;
  readonly maxLineBytes: number;
  readonly startTimeoutMs: number;
}

/**
 * The plugin's process over its lifetime: started at setup, started again after it dies (a crash,
 * `sys.exit`, a kill for an exceeded budget). When the host calls the plugin again is the host's
 * quarantine and back-off policy; this only makes sure a fresh process is waiting by then.
 */
export class SupervisedPython {
  /** Counts processes started; a caller that sent state to one generation re-sends it to the next. */
  generation = 0;
  restarts = 0;
  private proc: PythonProcess | undefined;
  private starting: Promise<PythonProcess> | undefined;
  private disposed = false;
  private readonly options: SupervisedOptions;

  constructor(options: SupervisedOptions) {
    this.options = options;
  }

  /** The first start: a failure is the plugin's load error. */
  async start(): Promise<void> {
    // A PythonError thrown here becomes the load error with its own code and hint.
    await this.spawn();
  }

  /** The running process, or a fresh one (waiting for it to be ready). */
  current(): PythonProcess | Promise<PythonProcess> {
    const proc = this.proc;
    if (proc?.running) return proc;
    return this.starting ?? this.spawn();
  }

  request(op: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    const proc = this.current();
    if (proc instanceof PythonProcess) return proc.request(op, body, signal);
    return proc.then((p) => p.request(op, body, signal));
  }

  /** The process, if one is running now (no restart). */
  get running(): PythonProcess | undefined {
    return this.proc?.running ? this.proc : undefined;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const starting = this.starting;
    if (starting !== undefined) await starting.catch(() => undefined);
    await this.proc?.dispose();
  }

  private spawn(): Promise<PythonProcess> {
    if (this.disposed)
      return Promise.reject(new PythonError('PYTHON_CANCELLED', `${this.options.label}: plugin unloaded`));
    const proc = new PythonProcess({
      python: this.options.python,
      spec: this.options.spec,
      label: this.options.label,
      log: this.options.log,
      onCall: this.options.onCall,
      maxLineBytes: this.options.maxLineBytes,
    });
    this.generation++;
    if (this.generation > 1) this.restarts++;
    this.proc = proc;
    const timeoutMs = this.options.startTimeoutMs;
    const starting = new Promise<PythonProcess>((resolve, reject) => {
      const timer = setTimeout(() => proc.kill(`did not start within ${timeoutMs} ms`), timeoutMs);
      timer.unref();
      proc.ready.then((ready) => {
        clearTimeout(timer);
        if (ready.ok) {
          resolve(proc);
          return;
        }
        proc.kill('start failed');
        reject(ready.error ?? new PythonError('PYTHON_START_FAILED', `${this.options.label}: did not start`));
      });
    });
    this.starting = starting;
    starting.then(
      () => {
        if (this.starting === starting) this.starting = undefined;
        // Ready and then gone (not by dispose): have the next one waiting, once per death.
        void this.watch(proc);
      },
      () => {
        if (this.starting === starting) this.starting = undefined;
      },
    );
    return starting;
  }

  private async watch(proc: PythonProcess): Promise<void> {
    await proc.closed;
    if (this.disposed || this.proc !== proc) return;
    this.options.log.warn('python process ended; starting a new one', { reason: proc.exit });
    this.spawn().catch((error: unknown) => {
      this.options.log.error('python process could not be restarted', {
        error: error instanceof Error ? error.message : String(error),
      });
    });
  }
}
