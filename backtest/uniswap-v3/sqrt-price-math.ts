import { MAX_UINT160, MAX_UINT256, Q96, divRoundingUp, mulDiv, mulDivRoundingUp } from './full-math.js';
import { PoolMathError } from './errors.js';

/**
 * The sqrt price after adding (or removing) `amount` of token0, rounded up so the pool never gives away
 * more than it receives (SqrtPriceMath.getNextSqrtPriceFromAmount0RoundingUp, including its fallback
 * formula when amount × sqrtPrice overflows uint256, which rounds differently).
 *
 * @example
 * getNextSqrtPriceFromAmount0RoundingUp(2n ** 96n, 10n ** 18n, 10n ** 17n, true);
 */
export function getNextSqrtPriceFromAmount0RoundingUp(
  sqrtPX96: bigint,
  liquidity: bigint,
  amount: bigint,
  add: boolean,
): bigint {
  if (amount === 0n) return sqrtPX96;
  const numerator1 = liquidity << 96n;
  const product = amount * sqrtPX96;
  if (add) {
    if (product <= MAX_UINT256) {
      const denominator = numerator1 + product;
      if (denominator <= MAX_UINT256) return mulDivRoundingUp(numerator1, sqrtPX96, denominator);
    }
    const denominator = numerator1 / sqrtPX96 + amount;
    if (denominator > MAX_UINT256) {
      throw new PoolMathError('add', 'Token0 amount too large.', `Amount ${amount} overflows the price formula.`);
    }
    return divRoundingUp(numerator1, denominator);
  }
  if (product > MAX_UINT256 || numerator1 <= product) {
    throw new PoolMathError(
      'SqrtPriceMath',
      'Not enough token0 liquidity for this output.',
      `Removing ${amount} token0 at sqrtPriceX96 ${sqrtPX96} exceeds liquidity ${liquidity}.`,
    );
  }
  return toUint160(mulDivRoundingUp(numerator1, sqrtPX96, numerator1 - product));
}

/**
 * The sqrt price after adding (or removing) `amount` of token1, rounded down
 * (SqrtPriceMath.getNextSqrtPriceFromAmount1RoundingDown).
 *
 * @example
 * getNextSqrtPriceFromAmount1RoundingDown(2n ** 96n, 10n ** 18n, 10n ** 17n, true);
 */
export function getNextSqrtPriceFromAmount1RoundingDown(
  sqrtPX96: bigint,
  liquidity: bigint,
  amount: bigint,
  add: boolean,
): bigint {
  // The contract picks a shift or mulDiv by size only to avoid overflow; both are floor/ceil(amount·2^96/L).
  if (add) return toUint160(sqrtPX96 + mulDiv(amount, Q96, liquidity));
  const quotient = mulDivRoundingUp(amount, Q96, liquidity);
  if (sqrtPX96 <= quotient) {
    throw new PoolMathError(
      'SqrtPriceMath',
      'Not enough token1 liquidity for this output.',
      `Removing ${amount} token1 at sqrtPriceX96 ${sqrtPX96} exceeds liquidity ${liquidity}.`,
    );
  }
  return sqrtPX96 - quotient;
}

function requirePriceAndLiquidity(sqrtPX96: bigint, liquidity: bigint): void {
  if (sqrtPX96 <= 0n || liquidity <= 0n) {
    throw new PoolMathError(
      'SqrtPriceMath',
      'Price and liquidity must be positive.',
      `Got sqrtPriceX96 ${sqrtPX96} and liquidity ${liquidity}.`,
    );
  }
}

/**
 * The sqrt price after `amountIn` of the input token enters at `liquidity` (zeroForOne: token0 in).
 *
 * @example
 * getNextSqrtPriceFromInput(2n ** 96n, 10n ** 18n, 10n ** 15n, true);
 */
export function getNextSqrtPriceFromInput(sqrtPX96: bigint, liquidity: bigint, amountIn: bigint, zeroForOne: boolean): bigint {
  requirePriceAndLiquidity(sqrtPX96, liquidity);
  return zeroForOne
    ? getNextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity, amountIn, true)
    : getNextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity, amountIn, true);
}

/**
 * The sqrt price after `amountOut` of the output token leaves at `liquidity` (zeroForOne: token1 out).
 *
 * @example
 * getNextSqrtPriceFromOutput(2n ** 96n, 10n ** 18n, 10n ** 15n, true);
 */
export function getNextSqrtPriceFromOutput(sqrtPX96: bigint, liquidity: bigint, amountOut: bigint, zeroForOne: boolean): bigint {
  requirePriceAndLiquidity(sqrtPX96, liquidity);
  return zeroForOne
    ? getNextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity, amountOut, false)
    : getNextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity, amountOut, false);
}

/**
 * The token0 amount between two sqrt prices at `liquidity`: L·2^96·(b − a)/(a·b), rounded as asked.
 *
 * @example
 * getAmount0Delta(2n ** 96n, 2n ** 97n, 10n ** 18n, true); // 5n * 10n ** 17n
 */
export function getAmount0Delta(sqrtRatioAX96: bigint, sqrtRatioBX96: bigint, liquidity: bigint, roundUp: boolean): bigint {
  let lower = sqrtRatioAX96;
  let upper = sqrtRatioBX96;
  if (lower > upper) {
    lower = sqrtRatioBX96;
    upper = sqrtRatioAX96;
  }
  if (lower <= 0n) {
    throw new PoolMathError('SqrtPriceMath', 'Sqrt price must be positive.', `Got sqrtPriceX96 ${lower}.`);
  }
  // The contract divides by `upper` and then by `lower`, rounding each time. Nested floor (or ceiling)
  // divisions equal one division by the product, and the intermediate (at most L·2^96 < 2^224) can never
  // trip mulDiv's overflow check, so one bigint division gives the identical result; divisions are the
  // costliest operation of a swap step.
  const numerator = (liquidity << 96n) * (upper - lower);
  const denominator = upper * lower;
  return roundUp ? (numerator + denominator - 1n) / denominator : numerator / denominator;
}

/**
 * The token1 amount between two sqrt prices at `liquidity`: L·(b − a)/2^96, rounded as asked.
 *
 * @example
 * getAmount1Delta(2n ** 96n, 2n ** 97n, 10n ** 18n, false); // 10n ** 18n
 */
export function getAmount1Delta(sqrtRatioAX96: bigint, sqrtRatioBX96: bigint, liquidity: bigint, roundUp: boolean): bigint {
  const difference = sqrtRatioAX96 > sqrtRatioBX96 ? sqrtRatioAX96 - sqrtRatioBX96 : sqrtRatioBX96 - sqrtRatioAX96;
  const product = liquidity * difference;
  // A shift is exact floor division by 2^96; the product of a uint128 and a uint160 always fits uint256.
  return roundUp ? (product + Q96 - 1n) >> 96n : product >> 96n;
}

/**
 * Signed token0 amount owed for a liquidity change (positive delta: rounded up, paid to the pool;
 * negative: rounded down, paid out), as the signed getAmount0Delta overload used by mint and burn.
 *
 * @example
 * getAmount0DeltaSigned(2n ** 96n, 2n ** 97n, -(10n ** 18n)); // -(5n * 10n ** 17n)
 */
export function getAmount0DeltaSigned(sqrtRatioAX96: bigint, sqrtRatioBX96: bigint, liquidityDelta: bigint): bigint {
  return liquidityDelta < 0n
    ? -getAmount0Delta(sqrtRatioAX96, sqrtRatioBX96, -liquidityDelta, false)
    : getAmount0Delta(sqrtRatioAX96, sqrtRatioBX96, liquidityDelta, true);
}

/**
 * Signed token1 amount owed for a liquidity change (see getAmount0DeltaSigned).
 *
 * @example
 * getAmount1DeltaSigned(2n ** 96n, 2n ** 97n, 10n ** 18n); // 10n ** 18n
 */
export function getAmount1DeltaSigned(sqrtRatioAX96: bigint, sqrtRatioBX96: bigint, liquidityDelta: bigint): bigint {
  return liquidityDelta < 0n
    ? -getAmount1Delta(sqrtRatioAX96, sqrtRatioBX96, -liquidityDelta, false)
    : getAmount1Delta(sqrtRatioAX96, sqrtRatioBX96, liquidityDelta, true);
}

function toUint160(value: bigint): bigint {
  if (value > MAX_UINT160) {
    throw new PoolMathError('SafeCast', 'Sqrt price overflows uint160.', `Value ${value} exceeds 2^160 - 1.`);
  }
  return value;
}
