import { MAX_UINT128 } from './full-math.js';
import { PoolMathError } from './errors.js';

/**
 * Adds a signed liquidity delta to a uint128 liquidity, reverting like LiquidityMath.addDelta
 * ('LS' when it would go below zero, 'LA' when it would exceed uint128).
 *
 * @example
 * addDelta(100n, -40n); // 60n
 */
export function addDelta(liquidity: bigint, delta: bigint): bigint {
  const result = liquidity + delta;
  if (result < 0n) {
    throw new PoolMathError('LS', 'Liquidity would go below zero.', `Liquidity ${liquidity} plus delta ${delta} is negative.`);
  }
  if (result > MAX_UINT128) {
    throw new PoolMathError('LA', 'Liquidity would overflow uint128.', `Liquidity ${liquidity} plus delta ${delta} exceeds 2^128 - 1.`);
  }
  return result;
}
