import { candleHeuristic } from './candle-heuristic.js';

export type { CandleHeuristicConfig, CandleRule } from './candle-heuristic.js';
export { CANDLE_RULES, CandleHeuristicConfigSchema, candleHeuristic } from './candle-heuristic.js';
export type { CandleParts, CandleToken } from './candle-shape.js';
export { CANDLE_TOKENS, candleParts, classifyCandle, shannonEntropy } from './candle-shape.js';
export default candleHeuristic;
