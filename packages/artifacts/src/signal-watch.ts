import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { resolveReference } from './artifact-source.js';
import { ArtifactContractError, isArtifactContractError } from './errors.js';
import type { NotificationTargetMount, StrategyPluginMount } from './mount-config.js';
import { pyTrim } from './py-coerce.js';
import { type LoadOptions, loadMountAt } from './signal-loader.js';
import type { StrategySignal } from './strategy-signal.js';

/** The current state of one watched mount. */
export interface WatchedSignal {
  readonly mountIndex: number;
  readonly mount: StrategyPluginMount | NotificationTargetMount;
  /** The last good signal, `null` until one has loaded. */
  readonly signal: StrategySignal | null;
  /** True when the latest read failed and `signal` (if any) is the last good one. */
  readonly stale: boolean;
  /** The error of the latest read, `null` when it succeeded. */
  readonly error: ArtifactContractError | null;
}

export interface WatchSnapshot {
  /** Every enabled mount, in mount order. */
  readonly entries: readonly WatchedSignal[];
  /** The signals currently held (fresh or stale), in mount order. */
  readonly signals: readonly StrategySignal[];
}

export interface WatchOptions extends LoadOptions {
  onSignals: (snapshot: WatchSnapshot) => void;
  onError?: (error: ArtifactContractError, entry: WatchedSignal) => void;
  /** Quiet period after the last file event before reloading (default 100 ms). */
  debounceMs?: number;
  /** Re-read remote (http/gs) artifacts at this interval; default: only on `refresh()`. */
  pollIntervalMs?: number;
}

export interface SignalWatcher {
  /** Resolves after the first load of every mount has been reported. */
  readonly ready: Promise<void>;
  /** Reloads every mount now. */
  refresh(): Promise<void>;
  /** Current state. */
  snapshot(): WatchSnapshot;
  /** Stops watching; pending reloads are dropped. */
  close(): void;
}

function asContractError(error: unknown): ArtifactContractError {
  if (isArtifactContractError(error)) return error;
  return new ArtifactContractError('READ_FAILED', `reload failed: ${(error as Error)?.name ?? 'error'}`, {
    cause: error,
  });
}

/**
 * Watches mounted artifacts and reloads on change (debounced). A bad new artifact is reported through
 * `onError` and the last good signal is kept, marked stale with the error; `onSignals` receives the
 * whole snapshot after the first load and after every reload.
 */
export function watchSignals(
  mounts: readonly (StrategyPluginMount | NotificationTargetMount)[],
  opts: WatchOptions,
): SignalWatcher {
  const { onSignals, onError, debounceMs = 100, pollIntervalMs, ...loadOptions } = opts;
  const entries = new Map<number, WatchedSignal>();
  const watched: { index: number; mount: StrategyPluginMount | NotificationTargetMount }[] = [];
  mounts.forEach((mount, index) => {
    if (mount.enabled) watched.push({ index, mount });
  });

  let closed = false;
  let running: Promise<void> = Promise.resolve();
  const dirty = new Set<number>();
  let timer: NodeJS.Timeout | undefined;

  const snapshot = (): WatchSnapshot => {
    const list = watched
      .map(({ index }) => entries.get(index))
      .filter((e): e is WatchedSignal => e !== undefined);
    return Object.freeze({
      entries: Object.freeze(list),
      signals: Object.freeze(list.flatMap((e) => (e.signal === null ? [] : [e.signal]))),
    });
  };

  async function loadEntry(
    index: number,
    mount: StrategyPluginMount | NotificationTargetMount,
  ): Promise<void> {
    let signal: StrategySignal | undefined;
    let failure: ArtifactContractError | null = null;
    try {
      signal = await loadMountAt(mount, index, loadOptions);
    } catch (error) {
      failure = asContractError(error);
    }
    const previous = entries.get(index);
    const entry: WatchedSignal = Object.freeze(
      failure === null && signal !== undefined
        ? { mountIndex: index, mount, signal, stale: false, error: null }
        : { mountIndex: index, mount, signal: previous?.signal ?? null, stale: true, error: failure },
    );
    entries.set(index, entry);
    if (failure !== null && !closed) onError?.(failure, entry);
  }

  const reload = (indices: readonly number[]): Promise<void> => {
    running = running.then(async () => {
      if (closed) return;
      await Promise.all(
        watched.filter((w) => indices.includes(w.index)).map((w) => loadEntry(w.index, w.mount)),
      );
      if (!closed) onSignals(snapshot());
    });
    return running;
  };

  const schedule = (index: number) => {
    dirty.add(index);
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const indices = [...dirty];
      dirty.clear();
      void reload(indices);
    }, debounceMs);
  };

  // Watch directories, not files: producers replace artifacts by rename, which ends a file watch.
  const watchers: FSWatcher[] = [];
  const byDir = new Map<string, { index: number; name: string }[]>();
  const remote: number[] = [];
  for (const { index, mount } of watched) {
    let source: ReturnType<typeof resolveReference>;
    try {
      source = resolveReference(pyTrim(mount.signalPath));
    } catch {
      continue; // the first load reports the bad reference
    }
    if (source.kind !== 'local') {
      remote.push(index);
      continue;
    }
    const dir = dirname(source.path);
    const list = byDir.get(dir) ?? [];
    list.push({ index, name: basename(source.path) });
    byDir.set(dir, list);
  }
  for (const [dir, list] of byDir) {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, filename) => {
        for (const item of list) if (filename === null || filename === item.name) schedule(item.index);
      });
      watcher.on('error', () => undefined);
      watchers.push(watcher);
    } catch {
      // A missing directory is reported by the first load; there is nothing to watch yet.
    }
  }
  const poll =
    pollIntervalMs !== undefined && remote.length > 0
      ? setInterval(() => void reload(remote), pollIntervalMs)
      : undefined;
  poll?.unref();

  const ready = reload(watched.map((w) => w.index));

  return {
    ready,
    refresh: () => reload(watched.map((w) => w.index)),
    snapshot,
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (poll !== undefined) clearInterval(poll);
      for (const w of watchers) w.close();
    },
  };
}
