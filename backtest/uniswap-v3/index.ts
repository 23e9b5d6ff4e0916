// The exact Uniswap v3 pool simulator: a native-bigint port of the pool's swap math.
export * from './errors.js';
export * from './full-math.js';
export * from './tick-math.js';
export * from './sqrt-price-math.js';
export * from './swap-math.js';
export * from './liquidity-math.js';
export * from './tick-store.js';
export * from './pool.js';
