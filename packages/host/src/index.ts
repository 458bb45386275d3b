export type {
  Host,
  HostOptions,
  LoadedPlugin,
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
export { createPluginContext, systemClock } from './plugin-context.js';
export type { LoadError, LoadPhase, PluginEntry } from './plugin-loader.js';
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
export { HOST_STATUS } from './readings.js';
export { BarRing, RingWindow } from './ring-window.js';
export type { CsvBarsOptions } from './csv-bars.js';
export { parseCsvTime, readCsvBars } from './csv-bars.js';
export type { GenerateBarsOptions } from './synthetic-bars.js';
export { generateBars, mulberry32 } from './synthetic-bars.js';
