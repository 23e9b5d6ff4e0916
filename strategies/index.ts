/**
 * The strategy API in one import, for strategy authors and agent configs.
 *
 * @example
 * import { defineStrategy, SimpleMovingAverage, eventPrice } from '../strategies/index.js';
 */
export * from './define-strategy.js';
export * from './indicators.js';
export * from './prices.js';
export * from './param-schemas.js';
export * from './param-grid.js';
export * from './operator-strategy.js';
export * from './registry.js';
export { trend } from './trend.js';
export { meanReversion } from './mean-reversion.js';
export { oracleDexDeviation, quoteToMovePool } from './oracle-dex-deviation.js';
export { treasuryRebalancer } from './treasury-rebalancer.js';
export { dca } from './dca.js';
