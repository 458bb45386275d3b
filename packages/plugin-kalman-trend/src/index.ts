import { createKalmanTrend } from './kalman-trend.js';

export type { KalmanTrendConfig, TrendDirection } from './kalman-trend.js';
export { createKalmanTrend, KalmanTrendConfigSchema } from './kalman-trend.js';
export type { KalmanStep, KalmanTrendParams, LocalLinearTrend } from './local-linear-trend.js';
export { createLocalLinearTrend } from './local-linear-trend.js';
/** A factory: the host calls it once per host, so every host runs its own filter. */
export default createKalmanTrend;
