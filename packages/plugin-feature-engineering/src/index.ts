import { createFeatureEngineering } from './feature-engineering.js';

export type { FeatureEngineeringConfig } from './feature-engineering.js';
export {
  createFeatureEngineering,
  FEATURES_CACHE,
  FeatureEngineeringConfigSchema,
} from './feature-engineering.js';
export type { BarFeatures } from './features.js';
export { realizedVolatility } from './realized-vol.js';
/** A factory: the host calls it once per host, so every host runs its own indicators. */
export default createFeatureEngineering;
