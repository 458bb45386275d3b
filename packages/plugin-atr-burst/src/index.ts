import { atrBurst } from './atr-burst.js';

export type { AtrBurstConfig } from './atr-burst.js';
export { AtrBurstConfigSchema, atrBurst, averageTrueRange } from './atr-burst.js';
export default atrBurst;
