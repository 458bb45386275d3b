import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import type { JsonValue, Logger } from '@keel/contract';
import { PythonError } from './errors.js';
import { type ChildMessage, decodeLine, encodeRequest, encodeReturn } from './protocol.js';
import { BOOTSTRAP, childEnv } from './runtime-paths.js';

/** Answers a child's call to the host (`bus.publish`, `cache.get`, `rpc.register`, `bars`, ...). */
export type HostCallHandler = (op: string, payload: Record<string, unknown>) => unknown;

export interface PythonProcessOptions {
  readonly python: string;
  readonly spec: Record<string, unknown>;
  readonly label: string;
  readonly log: Logger;
  readonly onCall: HostCallHandler;
  /** Longest protocol line accepted from the child (a runaway writer is killed, not buffered). */
  readonly maxLineBytes: number;
  /** Output lines logged per call (between two answers); the rest are counted and reported once. */
  readonly maxLogLinesPerCall?: number;
}

export interface Ready {
  readonly ok: boolean;
  readonly dialect?: string;
  readonly error?: PythonError;
  readonly phase?: string;
}

const LINE_CHARS = 2000;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Processes this module started that are still running (tests count them). */
export function livePythonPids(): number[] {
  return [...live].map((c) => c.pid).filter((p): p is number => p !== undefined);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A host that exits without dispose() still takes its plugins along (SIGKILL of the host is the
  // children's own job: the pipe EOF watchdog and PR_SET_PDEATHSIG).
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

const SIGNAL_TEXT: Record<string, string> = {
  SIGSEGV: 'segmentation fault',
  SIGKILL: 'killed',
  SIGABRT: 'aborted',
  SIGBUS: 'bus error',
  SIGFPE: 'floating-point exception',
  SIGTERM: 'terminated',
};

/**
 * One long-lived Python child speaking the line protocol on fd 3, with stdout/stderr logged
 * (bounded) under the plugin's logger. Requests are answered in order; a death rejects them all.
 */
export class PythonProcess {
  readonly ready: Promise<Ready>;
  readonly pid: number | undefined;
  private readonly child: ChildProcess;
  private readonly channel: Socket;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  private nextId = 1;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private exitReason: string | undefined;
  private killReason: string | undefined;
  private alive = true;
  private refs = 0;
  private logged = 0;
  private dropped = 0;
  private droppedBytes = 0;
  private readonly maxLog: number;
  private readonly exitedPromise: Promise<void>;
  private readonly readyResolve: (ready: Ready) => void;
  private readonly options: PythonProcessOptions;

  constructor(options: PythonProcessOptions) {
    this.options = options;
    installExitHook();
    this.maxLog = options.maxLogLinesPerCall ?? 200;
    const child = spawn(options.python, ['-u', BOOTSTRAP, 'serve'], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: childEnv({ ...options.spec, parentPid: process.pid }),
    });
    this.child = child;
    this.pid = child.pid;
    if (child.pid !== undefined) live.add(child);
    this.channel = child.stdio[3] as Socket;
    let settleReady!: (ready: Ready) => void;
    this.ready = new Promise<Ready>((resolve) => {
      settleReady = resolve;
    });
    // Starting counts as work: a script awaiting the first start must not see Node exit under it.
    this.readyResolve = (ready) => {
      settleReady(ready);
      if (this.pending.size === 0) this.unref();
    };
    this.exitedPromise = new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      // A spawn failure may never emit 'close'.
      child.once('error', () => resolve());
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      const missing = error.code === 'ENOENT';
      this.die(
        missing
          ? `python interpreter ${JSON.stringify(options.python)} not found`
          : `python could not start: ${error.message}`,
        missing
          ? new PythonError(
              'PYTHON_INTERPRETER_NOT_FOUND',
              `python interpreter ${JSON.stringify(options.python)} not found`,
              {
                field: 'python',
                value: options.python,
                hint: 'install python3 (apt-get install python3) or set the python option / KEEL_PYTHON to an interpreter path',
              },
            )
          : undefined,
      );
    });
    child.once('exit', (code, signal) => {
      this.die(this.killReason ?? describeExit(code, signal));
    });
    this.channel.on('data', (chunk: Buffer) => this.onProtocol(chunk));
    this.channel.on('error', () => undefined);
    this.pipeOutput(child.stdout as Socket, 'stdout');
    this.pipeOutput(child.stderr as Socket, 'stderr');
    this.ref();
  }

  /** Settles when the process has exited and its pipes are closed. */
  get closed(): Promise<void> {
    return this.exitedPromise;
  }

  /** False from the moment it is killed (its exit is reported a little later). */
  get running(): boolean {
    return this.alive && this.killReason === undefined;
  }

  /** Why the process is gone (undefined while it runs). */
  get exit(): string | undefined {
    return this.exitReason;
  }

  /** Sends a request; resolves with the child's value, rejects with its error or its death. */
  request(op: string, body: Record<string, unknown> = {}, signal?: AbortSignal): Promise<unknown> {
    if (!this.running) {
      return Promise.reject(
        new PythonError(
          'PYTHON_PROCESS_EXITED',
          `${this.options.label}: ${this.exitReason ?? this.killReason ?? 'process is not running'}`,
        ),
      );
    }
    const id = this.nextId++;
    const line = encodeRequest(id, op, body);
    return new Promise<unknown>((resolve, reject) => {
      let onAbort: (() => void) | undefined;
      const done = (): void => {
        if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
      };
      this.pending.set(id, {
        resolve: (v) => {
          done();
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      if (this.pending.size === 1) this.ref();
      if (signal !== undefined) {
        onAbort = () => this.kill(`cancelled: ${reasonText(signal.reason)}`);
        if (signal.aborted) {
          onAbort();
          return;
        }
        signal.addEventListener('abort', onAbort, { once: true });
      }
      this.channel.write(line);
    });
  }

  /** Kills the process (SIGKILL): a hung or over-budget plugin cannot refuse. */
  kill(reason: string): void {
    if (!this.alive) return;
    this.killReason ??= reason;
    this.child.kill('SIGKILL');
  }

  /** Closes the channel (the child exits on EOF) and waits for it; SIGKILL if it lingers. */
  async dispose(graceMs = 2000): Promise<void> {
    // Whoever awaits the unload keeps Node alive until the pipes are closed (they are unref'd when idle).
    const hold = setInterval(() => undefined, 60_000);
    try {
      if (this.alive) {
        this.killReason ??= 'plugin unloaded';
        this.channel.end();
        const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
        await this.exitedPromise;
        clearTimeout(timer);
      } else {
        await this.exitedPromise;
      }
    } finally {
      clearInterval(hold);
    }
  }

  private die(reason: string, error?: PythonError): void {
    if (!this.alive) return;
    this.alive = false;
    this.exitReason = reason;
    live.delete(this.child);
    const failure = error ?? new PythonError('PYTHON_PROCESS_EXITED', `${this.options.label}: ${reason}`);
    this.readyResolve({ ok: false, error: failure, phase: 'import' });
    for (const waiter of this.pending.values()) waiter.reject(failure);
    this.pending.clear();
    this.unref();
    this.flushDropped();
    this.channel.destroy();
  }

  private onProtocol(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      let line: string;
      if (this.bufferedBytes > 0) {
        this.buffered.push(chunk.subarray(start, nl));
        line = Buffer.concat(this.buffered).toString('utf8');
        this.buffered = [];
        this.bufferedBytes = 0;
      } else {
        line = chunk.toString('utf8', start, nl);
      }
      start = nl + 1;
      if (line.length > 0) this.onLine(line);
      if (!this.alive) return;
    }
    if (start < chunk.length) {
      this.bufferedBytes += chunk.length - start;
      this.buffered.push(chunk.subarray(start));
      if (this.bufferedBytes > this.options.maxLineBytes) {
        this.kill(`protocol line over ${this.options.maxLineBytes} bytes`);
      }
    }
  }

  private onLine(line: string): void {
    let message: ChildMessage;
    try {
      message = decodeLine(line);
    } catch {
      this.kill('malformed protocol line');
      return;
    }
    switch (message.t) {
      case 'res': {
        const waiter = this.pending.get(message.id);
        if (waiter === undefined) return;
        this.pending.delete(message.id);
        if (this.pending.size === 0) this.unref();
        this.flushDropped();
        if (message.ok) waiter.resolve(message.v);
        else {
          waiter.reject(new PythonError('PYTHON_PLUGIN_ERROR', oneLine(message.err)));
          // A MemoryError can leave the interpreter unusable: start afresh.
          if (message.restart === true) this.kill(oneLine(message.err));
        }
        return;
      }
      case 'ready':
        if (message.ok) this.readyResolve({ ok: true, dialect: message.dialect });
        else {
          const { code, hint } = message;
          this.readyResolve({
            ok: false,
            phase: message.phase ?? 'import',
            error: new PythonError(
              (code in PYTHON_CODES ? code : 'PYTHON_START_FAILED') as never,
              oneLine(message.message),
              hint ? { hint } : {},
            ),
          });
        }
        return;
      case 'call':
        this.onCall(message.op, message.p, message.cid);
        return;
    }
  }

  private onCall(op: string, payload: Record<string, unknown>, cid: number | undefined): void {
    let out: unknown;
    try {
      out = this.options.onCall(op, payload ?? {});
    } catch (error) {
      if (cid !== undefined) this.reply(cid, { ok: false, err: describe(error) });
      else this.options.log.warn('python host call failed', { op, error: describe(error) });
      return;
    }
    if (cid === undefined) {
      if (out instanceof Promise)
        out.catch((error: unknown) =>
          this.options.log.warn('python host call failed', { op, error: describe(error) }),
        );
      return;
    }
    Promise.resolve(out).then(
      (v) => this.reply(cid, { ok: true, v: v as JsonValue | undefined }),
      (error: unknown) => this.reply(cid, { ok: false, err: describe(error) }),
    );
  }

  private reply(cid: number, result: Parameters<typeof encodeReturn>[1]): void {
    if (this.alive) this.channel.write(encodeReturn(cid, result));
  }

  private pipeOutput(stream: Socket, name: 'stdout' | 'stderr'): void {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      // Past the per-call budget only newlines are counted: 10 MB of print() costs a scan, not a log.
      if (this.logged >= this.maxLog) {
        let n = 0;
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
        this.dropped += n;
        this.droppedBytes += chunk.length;
        partial = '';
        return;
      }
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = (lines.pop() ?? '').slice(0, LINE_CHARS);
      for (const line of lines) {
        if (this.logged >= this.maxLog) {
          this.dropped++;
          this.droppedBytes += line.length + 1;
          continue;
        }
        this.logged++;
        const fields = {
          stream: name,
          line: line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}…` : line,
        };
        if (name === 'stderr') this.options.log.warn('python output', fields);
        else this.options.log.info('python output', fields);
      }
    });
    stream.on('error', () => undefined);
  }

  private flushDropped(): void {
    this.logged = 0;
    if (this.dropped === 0) return;
    this.options.log.warn('python output dropped', { lines: this.dropped, bytes: this.droppedBytes });
    this.dropped = 0;
    this.droppedBytes = 0;
  }

  // While a request is out the child must keep Node alive; idle, it must not hold an app open.
  private ref(): void {
    if (this.refs++ > 0) return;
    this.child.ref();
    this.channel.ref();
  }

  private unref(): void {
    this.refs = 0;
    this.child.unref();
    this.channel.unref();
    (this.child.stdout as Socket | null)?.unref();
    (this.child.stderr as Socket | null)?.unref();
  }
}

const PYTHON_CODES: Record<string, true> = {
  PYTHON_FILE_NOT_FOUND: true,
  PYTHON_SYNTAX_ERROR: true,
  PYTHON_IMPORT_ERROR: true,
  PYTHON_PANDAS_MISSING: true,
  PYTHON_CLASS_NOT_FOUND: true,
  PYTHON_UNKNOWN_DIALECT: true,
};

export function isKnownLoadCode(code: string): boolean {
  return code in PYTHON_CODES;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) {
    const text = SIGNAL_TEXT[signal];
    return `python was killed by ${signal}${text ? ` (${text})` : ''}`;
  }
  if (code !== null && code > 128 && code - 128 in invertedSignals) {
    return `python was killed by ${invertedSignals[code - 128]}`;
  }
  return `python exited with code ${code ?? '?'}`;
}

const invertedSignals: Record<number, string> = Object.fromEntries(
  Object.entries(osConstants.signals).map(([name, n]) => [n, name]),
);

function reasonText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
