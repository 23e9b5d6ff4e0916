import { sortsBefore, type Address } from '../../model/address.js';

/**
 * Conversions between an oracle price ("1 base = answer / 10^feedDecimals quote", e.g. ETH/USD) and a
 * Uniswap v3 pool's sqrtPriceX96, exact in bigint. A pool prices token1 in token0 by raw amounts, and its
 * tokens are ordered by address, so the same USD price is a different sqrtPriceX96 depending on which of
 * the two tokens sorts first and on both tokens' decimals.
 */
export type OraclePricedPair = {
  /** The priced asset (WETH for ETH/USD). */
  base: { address: Address; decimals: number };
  /** The asset the price is in (USDC, taken as 1 USD). */
  quote: { address: Address; decimals: number };
  /** The feed's decimals (8 for Chainlink USD feeds). */
  feedDecimals: number;
};

const Q192 = 1n << 192n;

/**
 * The integer square root: the largest n with n² ≤ value.
 *
 * @example
 * sqrtFloor(17n); // 4n
 */
export function sqrtFloor(value: bigint): bigint {
  if (value < 0n) throw new RangeError(`sqrtFloor of a negative number: ${value}`);
  if (value < 2n) return value;
  // Newton's method from an over-estimate converges downwards to the floor.
  let x = 1n << (BigInt(value.toString(2).length + 1) >> 1n);
  for (;;) {
    const next = (x + value / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

/**
 * The pool sqrtPriceX96 for an oracle answer, floor of the exact value (floor(sqrt(floor(x))) equals
 * floor(sqrt(x)), so nothing is lost by dividing first).
 *
 * @example
 * // ETH at 1908.18855732 USD, USDC (6 dec) sorting before WETH (18 dec):
 * oraclePriceToSqrtPriceX96(190818855732n, { base: weth, quote: usdc, feedDecimals: 8 });
 */
export function oraclePriceToSqrtPriceX96(answer: bigint, pair: OraclePricedPair): bigint {
  if (answer <= 0n) throw new RangeError(`An oracle price must be positive to become a pool price; got ${answer}.`);
  // Raw quote units per raw base unit = answer * 10^quoteDecimals / 10^(feedDecimals + baseDecimals).
  const quotePerBaseNum = answer * 10n ** BigInt(pair.quote.decimals);
  const quotePerBaseDen = 10n ** BigInt(pair.feedDecimals + pair.base.decimals);
  const baseIsToken0 = sortsBefore(pair.base.address, pair.quote.address);
  // The pool's price is token1 per token0.
  const [num, den] = baseIsToken0 ? [quotePerBaseNum, quotePerBaseDen] : [quotePerBaseDen, quotePerBaseNum];
  return sqrtFloor((num * Q192) / den);
}

/**
 * The oracle-style answer (price × 10^feedDecimals, floored) a pool's sqrtPriceX96 stands for.
 *
 * @example
 * sqrtPriceX96ToOraclePrice(slot0.sqrtPriceX96, { base: weth, quote: usdc, feedDecimals: 8 }); // ≈ 190818855732n
 */
export function sqrtPriceX96ToOraclePrice(sqrtPriceX96: bigint, pair: OraclePricedPair): bigint {
  if (sqrtPriceX96 <= 0n) throw new RangeError(`sqrtPriceX96 must be positive; got ${sqrtPriceX96}.`);
  const squared = sqrtPriceX96 * sqrtPriceX96;
  const scale = 10n ** BigInt(pair.feedDecimals + pair.base.decimals);
  const quoteUnit = 10n ** BigInt(pair.quote.decimals);
  return sortsBefore(pair.base.address, pair.quote.address)
    ? (squared * scale) / (Q192 * quoteUnit)
    : (scale * Q192) / (squared * quoteUnit);
}
