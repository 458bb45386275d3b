import { momentumBurst } from './momentum-burst.js';

export type { MomentumBurstConfig } from './momentum-burst.js';
export { MomentumBurstConfigSchema, momentumBurst, seedAverageTrueRange } from './momentum-burst.js';
export default momentumBurst;
