import { createSessionStats } from './session-stats.js';

export type { SessionSummary } from './session-stats.js';
export { createSessionStats, SessionStatsConfigSchema } from './session-stats.js';
/** A factory: the host calls it once per host, so every host gets its own counters. */
export default createSessionStats;
