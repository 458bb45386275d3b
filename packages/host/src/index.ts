export type {
  Host,
  HostOptions,
  LoadedPlugin,
  MarketOptions,
  LoadResult,
  ReplayOptions,
  ReplayProgress,
  ReplaySummary,
} from './host.js';
export { createHost } from './host.js';
export type { HostErrorCode } from './errors.js';
export { CsvBarError, HostError } from './errors.js';
export type { HostLogger, LoggerOptions, LogLevel, LogRecord, LogSink } from './logger.js';
export { createLogger, scopeLogger } from './logger.js';
export type { HostServices, PluginContextInput } from './plugin-context.js';
export { createPluginContext } from './plugin-context.js';
export type { LoadError, LoadErrorCode, LoadPhase, PluginEntry, PluginFactory } from './plugin-loader.js';
export type { PluginFailure, PluginInfo, PluginState, PluginStats, FailureKind } from './plugin-slot.js';
export type {
  BarTimeListener,
  HostStepResult,
  RejectedBar,
  RejectedBarCounts,
  RejectReason,
  StepOutcome,
} from './pipeline.js';
export type { QuarantinePolicy } from './quarantine.js';
export { DEFAULT_QUARANTINE } from './quarantine.js';
export type { DurationSummary } from './duration-histogram.js';
export { DEFAULT_MAX_READING_BYTES, HOST_STATUS } from './readings.js';
export { BarRing, RingWindow } from './ring-window.js';
export type { MarketHistoryStats } from './market-history.js';
export { DEFAULT_MARKET_HISTORY, DEFAULT_MAX_SYMBOLS } from './market-history.js';
export type { AuxJoin, AuxJoinStats, AuxPoint, AuxSeries, AuxSource, JoinAuxOptions } from './join-aux.js';
export { joinAux } from './join-aux.js';
export { MARKET_CLOSE_EVENT, MARKET_OPEN_EVENT } from './session-events.js';
export { immutableBar, isImmutableBar } from './immutable-bar.js';
export { DEFAULT_WORKER_MEM_MB } from './worker-launch.js';
export type { CsvBarReader, CsvBarsOptions, CsvLayoutSummary, CsvReadSummary } from './csv-bars.js';
export { parseCsvTime, readCsvBars } from './csv-bars.js';
export type { CsvColumnMap, CsvColumnRef } from './csv-columns.js';
export type { CsvBadRowPolicy, CsvRejectedRow, CsvRowReason } from './csv-row-policy.js';
export { CSV_ROW_REASONS } from './csv-row-policy.js';
export type { CsvDelimiter } from './csv-split.js';
export type { UnixUnit } from './csv-time.js';
export { unixUnitOf } from './csv-time.js';
export type { GenerateBarsOptions } from './synthetic-bars.js';
export { generateBars, mulberry32 } from './synthetic-bars.js';
export type { HostCacheOption, HostRuntimeOptions } from './host-runtime.js';
export { DEFAULT_CACHE_PATH } from './host-runtime.js';
export { DEFAULT_JOB_BUDGET } from './host.js';
export type { CacheBackend, CacheStats, CacheStore, CacheStoreOptions } from './services/cache-store.js';
export {
  checkCacheName,
  checkCachePut,
  checkPositiveCacheOption,
  createCacheStore,
} from './services/cache-store.js';
export type { BusErrorCode, CacheErrorCode, RpcErrorCode, SchedulerErrorCode } from './services/errors.js';
export { BusError, CacheError, RpcError, SchedulerError } from './services/errors.js';
export type { EventBus, EventBusOptions, EventBusStats } from './services/event-bus.js';
export { createEventBus } from './services/event-bus.js';
export type { ManualClock } from './services/manual-clock.js';
export { createManualClock, systemClock } from './services/manual-clock.js';
export { createMemoryCacheStore } from './services/memory-cache.js';
export type { PanelView, StatError } from './services/panel.js';
export { evaluatePanel } from './services/panel.js';
export type { RpcMethodInfo, RpcRegistry, RpcRegistryOptions, RpcStats } from './services/rpc.js';
export { createRpcRegistry } from './services/rpc.js';
export type { RunFilter, RunRecord } from './services/run-log.js';
export type {
  AddJobsOptions,
  AdvanceOptions,
  JobContextFactory,
  JobContextInfo,
  NextRun,
  Scheduler,
  SchedulerOptions,
} from './services/scheduler.js';
export { createScheduler } from './services/scheduler.js';
