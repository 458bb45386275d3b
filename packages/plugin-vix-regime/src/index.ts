import { vixRegime } from './vix-regime.js';

export { realizedVolatility } from './realized-vol.js';
export type { VixRegime, VixRegimeConfig, VixSource } from './vix-regime.js';
export { classifyVix, VIX_REGIMES, VixRegimeConfigSchema, vixRegime } from './vix-regime.js';
export default vixRegime;
