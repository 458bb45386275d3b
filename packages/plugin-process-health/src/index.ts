import { createProcessHealth } from './process-health.js';

export type { Breach, HealthMetric, HealthSample, HealthThresholds } from './health-sample.js';
export { findBreaches } from './health-sample.js';
export type { ProcessHealthErrorCode } from './errors.js';
export { ProcessHealthError } from './errors.js';
export type { ProcessHealthConfig, ProcessHealthOptions } from './process-health.js';
export { createProcessHealth, PROCESS_HEALTH_EVENTS, ProcessHealthConfigSchema } from './process-health.js';
export type { ProcessProbe, ProcessReadout } from './process-probe.js';
export { createProcessProbe } from './process-probe.js';
/** A factory: the host calls it once per host, so every host runs its own monitor. */
export default createProcessHealth;
