import { TICK_SPACING_BY_FEE, quoteSwap, type PositionParameters, type SwapParameters, type UniswapV3Pool } from '../../../backtest/uniswap-v3/pool.js';
import type { SeededRandom } from './seeded-random.js';
import { MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK, getSqrtRatioAtTick } from '../../../backtest/uniswap-v3/tick-math.js';

/** A pool to build (with createPool and createSdkReferencePool alike) and the swaps to run on it, in order. */
export type PoolScenario = {
  fee: number;
  sqrtPriceX96: bigint;
  tick: number;
  positions: PositionParameters[];
};

const FEES = [100, 500, 3000, 10000] as const;

/** A sqrt price strictly inside tick `tick`'s range, at a random fraction of the way to the next tick. */
function priceInsideTick(random: SeededRandom, tick: number): bigint {
  const low = getSqrtRatioAtTick(tick);
  const high = getSqrtRatioAtTick(tick + 1);
  return low + ((high - low) * BigInt(random.int(0, 999_999))) / 1_000_000n;
}

/**
 * A random pool: any fee tier, a price anywhere in ±300,000 ticks, 1–8 positions of random widths (narrow
 * ones around the price, wide ones, sometimes full range) and liquidities from 10^3 to 10^27.
 *
 * @example
 * const scenario = randomPoolScenario(createSeededRandom(1));
 */
export function randomPoolScenario(random: SeededRandom): PoolScenario {
  const fee = random.pick(FEES);
  const spacing = TICK_SPACING_BY_FEE[fee]!;
  const tick = random.int(-300_000, 300_000);
  const sqrtPriceX96 = priceInsideTick(random, tick);
  const lowest = Math.ceil(MIN_TICK / spacing) * spacing;
  const highest = Math.floor(MAX_TICK / spacing) * spacing;
  const positions: PositionParameters[] = [];
  const count = random.int(1, 8);
  for (let i = 0; i < count; i++) {
    const liquidity = random.magnitude(27) + 1000n;
    if (random.next() < 0.1) {
      positions.push({ tickLower: lowest, tickUpper: highest, liquidity });
      continue;
    }
    // Widths from one spacing to ~5,000 spacings, log-uniform, so both crowded and sparse tick maps occur.
    const width = Math.max(1, Math.floor(Math.exp(random.next() * Math.log(5000)))) * spacing;
    const offset = Math.floor((random.next() - 0.7) * width * 1.5);
    const tickLower = Math.max(lowest, Math.floor((tick - offset - width / 2) / spacing) * spacing);
    const tickUpper = Math.min(highest, tickLower + width);
    if (tickUpper > tickLower) positions.push({ tickLower, tickUpper, liquidity });
  }
  if (positions.length === 0) positions.push({ tickLower: lowest, tickUpper: highest, liquidity: random.magnitude(27) + 1000n });
  return { fee, sqrtPriceX96, tick, positions };
}

/**
 * A random swap from the pool's current state: either direction, exact input or exact output, amounts
 * from 1 to 10^30 wei, and most often a price limit 1–3,000 ticks away (log-uniform). Swaps without a limit that would
 * run the price across more than 50,000 ticks are shrunk (checked with quoteSwap), or given a limit when
 * shrinking does not help, except for some in pools with a tick spacing of 60 or more: walking to the end
 * of the price range one 256-spacing word at a time takes the SDK ~0.1 s at spacing 1, and the
 * wide-spacing pools already cover that path.
 *
 * @example
 * const parameters = randomSwap(random, pool);
 */
export function randomSwap(random: SeededRandom, pool: UniswapV3Pool): SwapParameters {
  const { sqrtPriceX96, tick } = pool;
  const zeroForOne = random.next() < 0.5;
  const exactInput = random.next() < 0.5;
  const withLimit = random.next() < 0.75;
  let amount = random.magnitude(withLimit ? 30 : 24);
  if (!withLimit) {
    // Unbounded runs to the end of the price range: kept, but rare, as each is ~100 steps for the SDK.
    if (pool.tickSpacing >= 60 && random.next() < 0.3) return { zeroForOne, amountSpecified: exactInput ? amount : -amount };
    // Quote against a limit 50,000 ticks away: reaching it means the swap would run further, and the
    // limit keeps the quote itself short.
    const farTick = Math.min(MAX_TICK - 1, Math.max(MIN_TICK + 1, zeroForOne ? tick - 50_000 : tick + 50_000));
    const farLimit = getSqrtRatioAtTick(farTick);
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        const quote = quoteSwap(pool, { zeroForOne, amountSpecified: exactInput ? amount : -amount, sqrtPriceLimitX96: farLimit });
        if (quote.sqrtPriceX96 !== farLimit) return { zeroForOne, amountSpecified: exactInput ? amount : -amount };
      } catch {
        return { zeroForOne, amountSpecified: exactInput ? amount : -amount };
      }
      amount = amount / 1_000_000n + 1n;
    }
    // Still runs away: the price is heading into a range without liquidity, so only a limit stops it.
  }
  const amountSpecified = exactInput ? amount : -amount;
  // Log-uniform, so most limits are near (few steps) and some are thousands of ticks away (many steps).
  const distance = Math.max(1, Math.floor(Math.exp(random.next() * Math.log(3000))));
  const limitTick = Math.min(MAX_TICK - 1, Math.max(MIN_TICK, zeroForOne ? tick - distance : tick + distance));
  let sqrtPriceLimitX96 = priceInsideTick(random, limitTick);
  // A limit must lie strictly beyond the current price and strictly inside the ratio bounds.
  if (zeroForOne && sqrtPriceLimitX96 >= sqrtPriceX96) sqrtPriceLimitX96 = sqrtPriceX96 - 1n;
  if (!zeroForOne && sqrtPriceLimitX96 <= sqrtPriceX96) sqrtPriceLimitX96 = sqrtPriceX96 + 1n;
  if (sqrtPriceLimitX96 <= MIN_SQRT_RATIO) sqrtPriceLimitX96 = MIN_SQRT_RATIO + 1n;
  if (sqrtPriceLimitX96 >= MAX_SQRT_RATIO) sqrtPriceLimitX96 = MAX_SQRT_RATIO - 1n;
  return { zeroForOne, amountSpecified, sqrtPriceLimitX96 };
}
