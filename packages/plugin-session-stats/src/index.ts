import { createSessionStats } from './session-stats.js';

export type { SessionSummary } from './session-stats.js';
export { createSessionStats, SessionStatsConfigSchema } from './session-stats.js';
export default createSessionStats();
