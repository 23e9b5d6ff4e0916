import { MAX_UINT256 } from './full-math.js';
import { PoolMathError } from './errors.js';

/** The lowest tick a price can reach: log base 1.0001 of 2^-128. */
export const MIN_TICK = -887272;
/** The highest tick a price can reach: log base 1.0001 of 2^128. */
export const MAX_TICK = 887272;
/** getSqrtRatioAtTick(MIN_TICK). */
export const MIN_SQRT_RATIO = 4295128739n;
/** getSqrtRatioAtTick(MAX_TICK). */
export const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;

// sqrt(1.0001)^-(2^i) in Q128.128 for bits i = 1..19 of |tick|; bit 0 is the first factor below.
const BIT_FACTORS: readonly bigint[] = [
  0xfff97272373d413259a46990580e213an,
  0xfff2e50f5f656932ef12357cf3c7fdccn,
  0xffe5caca7e10e4e61c3624eaa0941cd0n,
  0xffcb9843d60f6159c9db58835c926644n,
  0xff973b41fa98c081472e6896dfb254c0n,
  0xff2ea16466c96a3843ec78b326b52861n,
  0xfe5dee046a99a2a811c461f1969c3053n,
  0xfcbe86c7900a88aedcffc83b479aa3a4n,
  0xf987a7253ac413176f2b074cf7815e54n,
  0xf3392b0822b70005940c7a398e4b70f3n,
  0xe7159475a2c29b7443b29c7fa6e889d9n,
  0xd097f3bdfd2022b8845ad8f792aa5825n,
  0xa9f746462d870fdf8a65dc1f90e061e5n,
  0x70d869a156d2a1b890bb3df62baf32f7n,
  0x31be135f97d08fd981231505542fcfa6n,
  0x9aa508b5b7a84e1c677de54f3e99bc9n,
  0x5d6af8dedb81196699c329225ee604n,
  0x2216e584f5fa1ea926041bedfe98n,
  0x48a170391f7dc42444e8fa2n,
];
const BIT0_FACTOR = 0xfffcb933bd6fad37aa2d162d1a594001n;
const ONE_Q128 = 1n << 128n;
const MASK_32 = (1n << 32n) - 1n;

/**
 * sqrt(1.0001^tick) × 2^96, rounded exactly as Uniswap v3's TickMath.getSqrtRatioAtTick (bit-by-bit
 * product of precomputed factors, then rounding up to Q64.96). Throws PoolMathError 'T' outside
 * [MIN_TICK, MAX_TICK].
 *
 * @example
 * getSqrtRatioAtTick(0); // 79228162514264337593543950336n (= 2^96)
 */
export function getSqrtRatioAtTick(tick: number): bigint {
  const absTick = tick < 0 ? -tick : tick;
  if (!Number.isInteger(tick) || absTick > MAX_TICK) {
    throw new PoolMathError('T', 'Tick out of range.', `Tick ${tick} is not an integer in [${MIN_TICK}, ${MAX_TICK}].`);
  }
  let ratio = (absTick & 1) !== 0 ? BIT0_FACTOR : ONE_Q128;
  for (let bit = 1, mask = 2; mask <= absTick; bit++, mask <<= 1) {
    if ((absTick & mask) !== 0) ratio = (ratio * BIT_FACTORS[bit - 1]!) >> 128n;
  }
  if (tick > 0) ratio = MAX_UINT256 / ratio;
  // Q128.128 to Q64.96, rounding up so getTickAtSqrtRatio(getSqrtRatioAtTick(t)) === t.
  return (ratio >> 32n) + ((ratio & MASK_32) === 0n ? 0n : 1n);
}

// Exact sqrt ratios of recently used ticks: swaps keep returning to the same few ticks (word edges,
// initialised ticks, the ticks around the price), and a lookup is far cheaper than 19 bigint products.
const sqrtRatioCache = new Map<number, bigint>();
const SQRT_RATIO_CACHE_LIMIT = 1 << 16;

/**
 * getSqrtRatioAtTick through a bounded memo; same results.
 *
 * @example
 * getSqrtRatioAtTickCached(-887272) === MIN_SQRT_RATIO; // true
 */
export function getSqrtRatioAtTickCached(tick: number): bigint {
  let ratio = sqrtRatioCache.get(tick);
  if (ratio === undefined) {
    ratio = getSqrtRatioAtTick(tick);
    if (sqrtRatioCache.size >= SQRT_RATIO_CACHE_LIMIT) sqrtRatioCache.clear();
    sqrtRatioCache.set(tick, ratio);
  }
  return ratio;
}

const sqrtRatioFloatCache = new Map<number, number>();

/**
 * Number(getSqrtRatioAtTick(tick)), memoised like getSqrtRatioAtTickCached: the swap loop's float shadow of
 * a step's target price.
 *
 * @example
 * getSqrtRatioFloatAtTickCached(0); // 2 ** 96
 */
export function getSqrtRatioFloatAtTickCached(tick: number): number {
  let ratio = sqrtRatioFloatCache.get(tick);
  if (ratio === undefined) {
    ratio = Number(getSqrtRatioAtTickCached(tick));
    if (sqrtRatioFloatCache.size >= SQRT_RATIO_CACHE_LIMIT) sqrtRatioFloatCache.clear();
    sqrtRatioFloatCache.set(tick, ratio);
  }
  return ratio;
}

const TWO_POW_96 = 2 ** 96;
const TICKS_PER_NATURAL_LOG_OF_SQRT = 2 / Math.log(1.0001);
// How far from an integer the float estimate of the tick must be for its floor to be certain. The estimate
// is off by at most ~1e-5 ticks: Number() and Math.log round at 2^-53 (~1e-10 ticks), the constant above
// is off by ~1e-12 relative (≤ 1e-6 ticks at MAX_TICK), and getSqrtRatioAtTick rounds its Q64.96 result
// up by less than one unit, which moves a boundary by at most 2^-32 relative at MIN_SQRT_RATIO (~5e-6
// ticks). A margin of 1e-4 leaves a wide safety factor and sends only ~0.02 % of prices to the exact path.
const TICK_FRACTION_MARGIN = 1e-4;

/**
 * The greatest tick whose sqrt ratio is ≤ sqrtPriceX96: the function TickMath.getTickAtSqrtRatio
 * computes. The contract gets there with a fixed-point binary logarithm; here a floating-point logarithm
 * gives the tick, which is certain when the estimate is not within 1e-4 of an integer; otherwise exact
 * comparisons with getSqrtRatioAtTick settle it. Same results, several times faster, and no sqrt ratio
 * is computed for a price in the middle of a tick. Throws PoolMathError 'R' unless
 * MIN_SQRT_RATIO ≤ sqrtPriceX96 < MAX_SQRT_RATIO.
 *
 * @example
 * getTickAtSqrtRatio(79228162514264337593543950336n); // 0
 */
export function getTickAtSqrtRatio(sqrtPriceX96: bigint): number {
  if (sqrtPriceX96 < MIN_SQRT_RATIO || sqrtPriceX96 >= MAX_SQRT_RATIO) {
    throw new PoolMathError(
      'R',
      'Sqrt price out of range.',
      `sqrtPriceX96 ${sqrtPriceX96} is not in [${MIN_SQRT_RATIO}, ${MAX_SQRT_RATIO}).`,
    );
  }
  return tickAtSqrtRatioFromFloat(sqrtPriceX96, Number(sqrtPriceX96));
}

/**
 * getTickAtSqrtRatio for a price already known to be in range, with its float value given (the swap
 * loop has it), so the bigint is converted at most once.
 *
 * @example
 * tickAtSqrtRatioFromFloat(2n ** 96n, 2 ** 96); // 0
 */
export function tickAtSqrtRatioFromFloat(sqrtPriceX96: bigint, sqrtPriceFloat: number): number {
  const estimate = Math.log(sqrtPriceFloat / TWO_POW_96) * TICKS_PER_NATURAL_LOG_OF_SQRT;
  let tick = Math.floor(estimate);
  const fraction = estimate - tick;
  if (fraction > TICK_FRACTION_MARGIN && fraction < 1 - TICK_FRACTION_MARGIN && tick > MIN_TICK && tick < MAX_TICK - 1) return tick;
  if (tick < MIN_TICK) tick = MIN_TICK;
  else if (tick > MAX_TICK - 1) tick = MAX_TICK - 1;
  // Near a boundary the estimate may be one off; step until ratio(tick) ≤ price < ratio(tick + 1).
  while (tick > MIN_TICK && getSqrtRatioAtTickCached(tick) > sqrtPriceX96) tick--;
  while (tick < MAX_TICK - 1 && getSqrtRatioAtTickCached(tick + 1) <= sqrtPriceX96) tick++;
  return tick;
}
