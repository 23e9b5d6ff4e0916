import { PoolMathError } from './errors.js';

/**
 * 2^96: the fixed-point scale of sqrtPriceX96 (Q64.96), and the Solidity integer bounds the pool checks.
 *
 * @example
 * const price = Number(sqrtPriceX96) ** 2 / Number(Q96) ** 2; // token1 per token0, in base units
 */
export const Q96 = 1n << 96n;
/** Largest uint128 (liquidity). */
export const MAX_UINT128 = (1n << 128n) - 1n;
/** Largest uint160 (sqrt prices). */
export const MAX_UINT160 = (1n << 160n) - 1n;
/** Largest uint256 (amounts and intermediates). */
export const MAX_UINT256 = (1n << 256n) - 1n;

function overflow(where: string, value: bigint): never {
  throw new PoolMathError('mulDiv', `${where} overflows uint256.`, `Result ${value} exceeds 2^256 - 1.`);
}

function zeroDenominator(where: string): never {
  throw new PoolMathError('mulDiv', `${where} divides by zero.`, 'The denominator must be greater than 0.');
}

/**
 * floor(a × b / denominator) with a full-width intermediate, as Uniswap's FullMath.mulDiv: it reverts when
 * the denominator is 0 or the result does not fit in uint256. Inputs are uint256 values.
 *
 * @example
 * mulDiv(3n, 5n, 2n); // 7n
 */
export function mulDiv(a: bigint, b: bigint, denominator: bigint): bigint {
  if (denominator === 0n) zeroDenominator('mulDiv');
  const result = (a * b) / denominator;
  if (result > MAX_UINT256) overflow('mulDiv', result);
  return result;
}

/**
 * ceil(a × b / denominator), as FullMath.mulDivRoundingUp (same reverts as mulDiv).
 *
 * @example
 * mulDivRoundingUp(3n, 5n, 2n); // 8n
 */
export function mulDivRoundingUp(a: bigint, b: bigint, denominator: bigint): bigint {
  if (denominator === 0n) zeroDenominator('mulDivRoundingUp');
  // One division instead of a division and a remainder: the hot path of every swap step goes through here.
  const result = (a * b + denominator - 1n) / denominator;
  if (result > MAX_UINT256) overflow('mulDivRoundingUp', result);
  return result;
}

/**
 * ceil(x / y) for uint256 x and y > 0, as UnsafeMath.divRoundingUp.
 *
 * @example
 * divRoundingUp(7n, 2n); // 4n
 */
export function divRoundingUp(x: bigint, y: bigint): bigint {
  if (y === 0n) zeroDenominator('divRoundingUp');
  return (x + y - 1n) / y;
}
