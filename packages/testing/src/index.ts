export type { BarRow, BarsFromOptions } from './bars-from.js';
export { barsFrom } from './bars-from.js';
export type { CheckPluginContractOptions } from './check-plugin-contract.js';
export { checkPluginContract } from './check-plugin-contract.js';
export type { ContractCheck, ContractProblem, ContractReport } from './contract-report.js';
export type { TestingErrorCode } from './errors.js';
export { TestingError } from './errors.js';
export { expectPluginContract, PluginContractError } from './expect-plugin-contract.js';
export type { PluginInput } from './plugin-input.js';
export type {
  BarSource,
  PluginRun,
  PluginsRun,
  RunEntry,
  RunOptions,
  RunPluginOptions,
} from './run-plugins.js';
export { runPlugin, runPlugins } from './run-plugins.js';
export type { BarShape, SessionBarsOptions, SessionCalendar, SessionSpan } from './session-bars.js';
export { sessionBars } from './session-bars.js';
export { createTestHost, TEST_CLOCK_START } from './test-host.js';
