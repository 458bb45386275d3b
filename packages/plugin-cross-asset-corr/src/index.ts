import { crossAssetCorr } from './cross-asset-corr.js';

export type { CrossAssetCorrConfig, SeriesCorrelation } from './cross-asset-corr.js';
export { CrossAssetCorrConfigSchema, crossAssetCorr } from './cross-asset-corr.js';
export { returnCorrelation } from './rolling-correlation.js';
export default crossAssetCorr;
