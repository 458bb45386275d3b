import { createDrawdownDerisk } from './drawdown-derisk.js';

export type { DrawdownDeriskConfig } from './drawdown-derisk.js';
export { createDrawdownDerisk, DrawdownDeriskConfigSchema } from './drawdown-derisk.js';
/** A factory: the host calls it once per host, so every host keeps its own high-water mark. */
export default createDrawdownDerisk;
