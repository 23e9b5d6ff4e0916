/**
 * The backtest engine: the agent's own kernel, strategies, reasoner and policy over historical or generated
 * market events, with fills from the exact Uniswap v3 simulator.
 *
 * @example
 * import { runBacktest } from './backtest/index.js';
 * const result = await runBacktest({ strategy: 'trend', data: 'data/chainlink/eth-usd.csv' });
 */
export * from './run-backtest.js';
export * from './backtest-market.js';
export * from './backtest-policy-gate.js';
export * from './anchored-pool.js';
export * from './simulated-executor.js';
export * from './equity-tracker.js';
export * from './metrics.js';
export * from './pool-priced-reasoner.js';
export * from './sources/index.js';
