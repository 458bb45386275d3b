import { createNyseCalendar, type ExchangeCalendar } from '@keel/calendar';
import type { Cache, Clock } from '@keel/contract';
import type { CacheStore } from './services/cache-store.js';
import { createEventBus, type EventBus } from './services/event-bus.js';
import { systemClock } from './services/manual-clock.js';
import { createMemoryCacheStore } from './services/memory-cache.js';
import { createRpcRegistry, type RpcRegistry } from './services/rpc.js';
import type { RunRecord } from './services/run-log.js';
import { createScheduler, type Scheduler } from './services/scheduler.js';
import { createSqliteCacheStore } from './services/sqlite-cache.js';

/** Where plugin caches live: a SQLite file (the default), memory, or a store you built. */
export type HostCacheOption =
  | { path: string; maxEntriesPerNamespace?: number }
  | { memory: true; maxEntriesPerNamespace?: number }
  | CacheStore;

export interface HostRuntimeOptions {
  calendar?: ExchangeCalendar | undefined;
  cache?: HostCacheOption | undefined;
  /** The live clock (default the wall clock). Replays switch `ctx.clock` to bar time. */
  clock?: Clock | undefined;
  /** Bounded bus queue: the oldest event is dropped (and counted) beyond this. */
  busQueue?: number | undefined;
  /**
   * A bus built elsewhere (e.g. `createRedisEventBus` to share events between hosts), used by plugins,
   * `host.bus` and `on:` jobs. A function receives the host's clock, so events are stamped with bar
   * time in replays. The host disposes it with itself; `busQueue` does not apply to it.
   */
  bus?: EventBus | ((clock: Clock) => EventBus) | undefined;
  runLogSize?: number | undefined;
}

export const DEFAULT_CACHE_PATH = '.keel/cache.sqlite';

/**
 * The host-wide services behind every plugin context: the event bus, the RPC registry, the cache
 * store, the scheduler and the two clocks. Replays run on a virtual clock driven by bar time, so
 * `ctx.clock.now()` and every scheduled job see the time of the data, not of the machine.
 */
export class HostRuntime {
  readonly calendar: ExchangeCalendar;
  readonly bus: EventBus;
  readonly rpc: RpcRegistry;
  readonly scheduler: Scheduler;
  /**
   * Replay time (epoch ms): the latest bar's time, or a job's due time while the scheduler steps.
   * A plain field rather than a clock object because it is written on every bar; it never moves back
   * within a run (see `advanceReplayTime`).
   */
  replayTime = 0;
  /** Observers of finished scheduled runs (`host.onRun`). */
  readonly runListeners = new Set<(record: RunRecord) => void>();
  /** What plugins see: bar time during a replay, the live clock otherwise. */
  readonly clock: Clock;
  private readonly liveClock: Clock;
  private readonly cacheOption: HostCacheOption;
  private store: CacheStore | undefined;
  private replaying = false;

  constructor(options: HostRuntimeOptions) {
    this.calendar = options.calendar ?? createNyseCalendar();
    this.liveClock = options.clock ?? systemClock;
    const clock: Clock = { now: () => (this.replaying ? this.replayTime : this.liveClock.now()) };
    this.clock = Object.freeze(clock);
    const bus = options.bus;
    this.bus =
      bus === undefined
        ? createEventBus({
            clock: this.clock,
            ...(options.busQueue === undefined ? {} : { maxQueue: options.busQueue }),
          })
        : typeof bus === 'function'
          ? bus(this.clock)
          : bus;
    this.rpc = createRpcRegistry();
    this.scheduler = createScheduler({
      calendar: this.calendar,
      clock: this.clock,
      bus: this.bus,
      onRun: (record) => {
        for (const listener of this.runListeners) {
          try {
            listener(record);
          } catch {
            // An observer's failure must not disturb the scheduler or the other observers.
          }
        }
      },
      ...(options.runLogSize === undefined ? {} : { runLogSize: options.runLogSize }),
    });
    this.cacheOption = options.cache ?? { path: DEFAULT_CACHE_PATH };
  }

  /**
   * The plugin's namespaced cache. The store opens on first use, so a host whose plugins never
   * touch the cache creates no database file.
   */
  cacheFor(pluginId: string): Cache {
    let cache: Cache | undefined;
    const resolve = (): Cache => {
      cache ??= this.cacheStore().forPlugin(pluginId);
      return cache;
    };
    return Object.freeze({
      get: (ns, key) => resolve().get(ns, key),
      put: (ns, key, value, options) => resolve().put(ns, key, value, options),
      delete: (ns, key) => resolve().delete(ns, key),
      clear: (ns) => resolve().clear(ns),
    } satisfies Cache);
  }

  cacheStore(): CacheStore {
    if (this.store !== undefined) return this.store;
    const option = this.cacheOption;
    if ('forPlugin' in option) this.store = option;
    else if ('memory' in option) this.store = createMemoryCacheStore({ clock: this.clock, ...cap(option) });
    else this.store = createSqliteCacheStore({ path: option.path, clock: this.clock, ...cap(option) });
    return this.store;
  }

  /** Moves replay time forward to `time` (never back). */
  advanceReplayTime(time: number): void {
    if (time > this.replayTime) this.replayTime = time;
  }

  /** Switches plugins and jobs to bar time, starting at `time`. */
  enterReplay(): void {
    this.replaying = true;
  }

  leaveReplay(): void {
    this.replaying = false;
  }

  get inReplay(): boolean {
    return this.replaying;
  }

  /** Drops plugins' subscriptions, RPC methods and jobs: after a failed setup or on unload. */
  forget(pluginId: string): void {
    this.scheduler.remove(pluginId);
    this.bus.unsubscribeAll(pluginId);
    this.rpc.unregisterAll(pluginId);
  }

  async dispose(): Promise<void> {
    this.scheduler.dispose();
    await this.bus.idle();
    this.bus.dispose();
    this.store?.close();
  }
}

function cap(option: { maxEntriesPerNamespace?: number }): { maxEntriesPerNamespace?: number } {
  return option.maxEntriesPerNamespace === undefined
    ? {}
    : { maxEntriesPerNamespace: option.maxEntriesPerNamespace };
}
