import { meanReversion } from './mean-reversion.js';

export type { MeanReversionConfig, ReversionSignal } from './mean-reversion.js';
export { MeanReversionConfigSchema, meanReversion } from './mean-reversion.js';
export default meanReversion;
