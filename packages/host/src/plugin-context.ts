import type { Bus, Cache, Clock, HostContext, Logger, MarketBars, MarketData, Rpc } from '@keel/contract';
import { HostError } from './errors.js';
import type { HostLogger } from './logger.js';
import { scopeLogger } from './logger.js';

/**
 * The host-wide services a plugin context is built from. `createHost` takes a partial object:
 * any member left out makes the matching `ctx` member throw `HOST_SERVICE_UNAVAILABLE` on use.
 */
export interface HostServices {
  bus: Bus;
  rpc: Rpc;
  /** The plugin's own namespaced cache. */
  cacheFor(pluginId: string): Cache;
  clock: Clock;
  logger: HostLogger | Logger;
  /** Recent bars (`ctx.market`); the host's own per-series history by default. */
  market: MarketData;
  /**
   * Optional: a bus whose events carry `source: pluginId`. The contract `Bus.publish(type, data)`
   * has no source argument, so a shared `bus` cannot tell publishers apart; preferred over `bus`.
   */
  busFor?(pluginId: string): Bus;
  /** Optional: an RPC client whose calls carry `caller: pluginId` (see `busFor`); preferred over `rpc`. */
  rpcFor?(pluginId: string): Rpc;
}

export interface PluginContextInput<Config> {
  readonly pluginId: string;
  readonly config: Config;
  readonly services: Partial<HostServices>;
  /** Used when `services.logger` is absent: the host's own logger. */
  readonly fallbackLogger: HostLogger | Logger;
  /** Current signal: the running call's while `onBar` is in progress, else the plugin's lifetime signal. */
  readonly signal: () => AbortSignal;
  /** Overrides `services.market` for this context: a scheduled run's reader bounded by its due time. */
  readonly market?: MarketData | undefined;
}

/** Builds the one context object a plugin's hooks receive. The object is frozen and built once per plugin. */
export function createPluginContext<Config>(input: PluginContextInput<Config>): HostContext<Config> {
  const { pluginId, services } = input;
  const log = scopeLogger(services.logger ?? input.fallbackLogger, { plugin: pluginId });
  const bus = services.busFor?.(pluginId) ?? services.bus ?? unavailableBus(pluginId);
  const rpc = services.rpcFor?.(pluginId) ?? services.rpc ?? unavailableRpc(pluginId);
  const cache = services.cacheFor?.(pluginId) ?? unavailableCache(pluginId);
  const clock = services.clock ?? unavailableClock(pluginId);
  const market = input.market ?? services.market ?? unavailableMarket(pluginId);
  const signal = input.signal;
  return Object.freeze({
    pluginId,
    config: input.config,
    log,
    bus,
    rpc,
    cache,
    clock,
    market,
    get signal(): AbortSignal {
      return signal();
    },
  });
}

function unavailable(service: string, member: string, pluginId: string): HostError {
  return new HostError(
    'HOST_SERVICE_UNAVAILABLE',
    `ctx.${service}.${member}() used by plugin ${JSON.stringify(pluginId)} but the host was created without a ${service} service`,
    { field: `services.${service}`, hint: `pass options.services.${service} to createHost()` },
  );
}

function unavailableBus(pluginId: string): Bus {
  return Object.freeze({
    publish(): void {
      throw unavailable('bus', 'publish', pluginId);
    },
    on(): never {
      throw unavailable('bus', 'on', pluginId);
    },
  });
}

function unavailableRpc(pluginId: string): Rpc {
  return Object.freeze({
    register(): never {
      throw unavailable('rpc', 'register', pluginId);
    },
    call(): never {
      throw unavailable('rpc', 'call', pluginId);
    },
  });
}

// Thrown synchronously even though the real methods are async: a missing service is a wiring
// bug, and a throw at the call site is louder than a rejection someone may not await.
function unavailableCache(pluginId: string): Cache {
  const fail = (member: string) => (): never => {
    throw unavailable('cache', member, pluginId);
  };
  return Object.freeze({ get: fail('get'), put: fail('put'), delete: fail('delete'), clear: fail('clear') });
}

function unavailableClock(pluginId: string): Clock {
  return Object.freeze({
    now(): never {
      throw unavailable('clock', 'now', pluginId);
    },
  });
}

function unavailableMarket(pluginId: string): MarketData {
  return Object.freeze({
    bars(): MarketBars {
      throw unavailable('market', 'bars', pluginId);
    },
    symbols(): never {
      throw unavailable('market', 'symbols', pluginId);
    },
  });
}
