export type { Bar, BarCheck, BarRejectReason } from './bar.js';
export { BarSchema, validateBar } from './bar.js';
export type { BarWindow, Series } from './bar-window.js';
export type { ContractErrorCode, KeelErrorOptions } from './errors.js';
export { ContractError, formatValue, isKeelError, KeelError, toKeelError } from './errors.js';
export type {
  Bus,
  BusEvent,
  Cache,
  CachePutOptions,
  Clock,
  EventHandler,
  HostContext,
  LogFields,
  Logger,
  MarketBars,
  MarketBarsOptions,
  MarketData,
  Rpc,
  RpcCallOptions,
  RpcHandler,
  RpcMeta,
  Unsubscribe,
} from './host-context.js';
export type {
  CheckJsonSafeOptions,
  JsonObject,
  JsonPrimitive,
  JsonSafeResult,
  JsonValue,
} from './json-safe.js';
export { checkJsonSafe, formatPath, isJsonSafe } from './json-safe.js';
export type { Budget, Category, Isolation, Layer, Manifest, ManifestInput } from './manifest.js';
export {
  BudgetSchema,
  CATEGORIES,
  defaultSensorId,
  IsolationSchema,
  LAYERS,
  layerRank,
  ManifestSchema,
  PLUGIN_ID_PATTERN,
} from './manifest.js';
export type {
  ConfigOf,
  ConfigParse,
  KeelPlugin,
  ManifestParse,
  OnBarArgs,
  Panel,
  PluginHooks,
  PluginSpec,
  ScheduleEntry,
  ScheduleTick,
} from './plugin.js';
export { definePlugin, parsePluginConfig, parsePluginManifest } from './plugin.js';
export type { ReadingCheck, SensorReading, SensorRow } from './reading.js';
export {
  JsonValueSchema,
  MAX_STATUS_LENGTH,
  SensorReadingSchema,
  SensorRowSchema,
  validateReading,
} from './reading.js';
export type {
  PartialStep,
  PluginResult,
  StepError,
  StepErrorKind,
  StepResult,
  StepTiming,
} from './result.js';
export { PluginResultSchema } from './result.js';
export type { Schedule, ScheduleKind, ScheduleParse } from './schedule.js';
export {
  DEFAULT_IDLE_MS,
  EVENT_PATTERN,
  EVENT_TYPE,
  formatSchedule,
  MAX_SCHEDULE_MS,
  matchesEventPattern,
  parseSchedule,
  SCHEDULE_GRAMMAR,
  safeParseSchedule,
} from './schedule.js';
export { contractErrorFromZod } from './zod-error.js';
