import { volTarget } from './vol-target.js';

export { realizedVolatility } from './realized-vol.js';
export type { VolTargetConfig } from './vol-target.js';
export { VolTargetConfigSchema, volTarget } from './vol-target.js';
export default volTarget;
