import { MandateError } from '../agent/model/base-error.js';
import { sortsBefore, type Address } from '../agent/model/address.js';
import { parseUnitsTruncated } from '../agent/model/units.js';
import {
  createPool,
  getSqrtRatioAtTick,
  getTickAtSqrtRatio,
  MAX_TICK,
  MIN_TICK,
  quoteSwap,
  swap,
  TICK_SPACING_BY_FEE,
  type PositionParameters,
  type SwapReturnType,
  type UniswapV3Pool,
} from './uniswap-v3/index.js';

const Q96 = 1n << 96n;

/**
 * A band of liquidity the simulated pool keeps around the market price, as LPs re-centre their ranges:
 * `halfWidthTicks` either side of the price (100 ticks ≈ ±1 %), holding `depthQuote` quote tokens on the
 * quote side (what it takes to push the price through the lower half of the band when selling base, in
 * human units, e.g. '3000000' USDC).
 */
export type LiquidityRange = { halfWidthTicks: number; depthQuote: string };

/**
 * Defaults shaped like the mainnet USDC/WETH 0.05 % pool on 2024-01-05 (about 1.2e19 active liquidity,
 * ≈ $3M per 1 % of price), plus a wide band so large trades never run out of liquidity.
 *
 * @example
 * createAnchoredPool({ fee: 500, base, quote, ranges: [...defaultLiquidityRanges, { halfWidthTicks: 20, depthQuote: '500000' }] });
 */
export const defaultLiquidityRanges: readonly LiquidityRange[] = [
  { halfWidthTicks: 100, depthQuote: '3000000' },
  { halfWidthTicks: 2000, depthQuote: '20000000' },
];

export type AnchoredPoolToken = { address: Address; decimals: number };

export type CreateAnchoredPoolParameters = {
  fee: number;
  base: AnchoredPoolToken;
  quote: AnchoredPoolToken;
  ranges?: readonly LiquidityRange[] | undefined;
  /**
   * When the market is replayed from real pool events, anchor with their active liquidity, spread over
   * ±this many ticks (instead of `ranges`). Default 1000 (≈ ±10 %).
   */
  replayedHalfWidthTicks?: number | undefined;
};

/**
 * The simulated pool's liquidity settings are unusable.
 *
 * @example
 * createAnchoredPool({ fee: 500, base, quote, ranges: [{ halfWidthTicks: 0, depthQuote: '1' }] }); // throws
 */
export class LiquidityRangeError extends MandateError {
  override name = 'LiquidityRangeError';
  constructor(key: string, got: unknown, accepted: string) {
    super(`Invalid simulated liquidity "${key}".`, { details: `Got ${String(got)}; ${accepted}.` });
  }
}

/**
 * The pool a backtest trades against: an exact Uniswap v3 pool (backtest/uniswap-v3) whose price is
 * re-anchored to the replayed market price whenever the market has moved since it was last anchored, with
 * the configured liquidity bands re-centred on it. Between two market events the pool keeps the state our
 * own trades left (price impact, ticks crossed); the next market event moves it back, as arbitrageurs do.
 *
 * @example
 * const simulated = createAnchoredPool({ fee: 500, base: weth, quote: usdc });
 * simulated.anchor(sqrtPriceX96);
 * const result = simulated.swapExactIn(usdc.address, 1_000n * 10n ** 6n);
 */
export function createAnchoredPool(parameters: CreateAnchoredPoolParameters) {
  const { fee, base, quote } = parameters;
  const tickSpacing = TICK_SPACING_BY_FEE[fee];
  if (tickSpacing === undefined) throw new LiquidityRangeError('fee', fee, 'a Uniswap v3 fee tier (100, 500, 3000, 10000) is accepted');
  const ranges = parameters.ranges ?? defaultLiquidityRanges;
  if (ranges.length === 0) throw new LiquidityRangeError('ranges', '[]', 'at least one range is accepted');
  const depths = ranges.map((range, i) => {
    if (!Number.isInteger(range.halfWidthTicks) || range.halfWidthTicks < tickSpacing || range.halfWidthTicks > 400_000) {
      throw new LiquidityRangeError(`ranges[${i}].halfWidthTicks`, range.halfWidthTicks, `an integer from ${tickSpacing} (the tick spacing) to 400000 is accepted`);
    }
    if (typeof range.depthQuote !== 'string' || !/^\d+(\.\d+)?$/.test(range.depthQuote) || Number(range.depthQuote) <= 0) {
      throw new LiquidityRangeError(`ranges[${i}].depthQuote`, JSON.stringify(range.depthQuote), 'a positive decimal string of quote tokens (e.g. "3000000") is accepted');
    }
    return parseUnitsTruncated(range.depthQuote, quote.decimals);
  });
  const replayedHalfWidth = parameters.replayedHalfWidthTicks ?? 1000;
  const baseIsToken0 = sortsBefore(base.address, quote.address);
  const token0 = baseIsToken0 ? base.address : quote.address;

  let pool: UniswapV3Pool | undefined;

  const align = (tick: number, up: boolean): number => {
    const aligned = (up ? Math.ceil(tick / tickSpacing) : Math.floor(tick / tickSpacing)) * tickSpacing;
    const min = Math.ceil(MIN_TICK / tickSpacing) * tickSpacing;
    const max = Math.floor(MAX_TICK / tickSpacing) * tickSpacing;
    return Math.min(max, Math.max(min, aligned));
  };

  /** The position holding `amount` of the quote token on its side of [lower, upper] at price `sqrtP`. */
  const liquidityForQuote = (sqrtP: bigint, tickLower: number, tickUpper: number, amount: bigint): bigint => {
    const sqrtA = getSqrtRatioAtTick(tickLower);
    const sqrtB = getSqrtRatioAtTick(tickUpper);
    if (baseIsToken0) {
      // Quote is token1, held below the price.
      const span = sqrtP - sqrtA;
      return span > 0n ? (amount * Q96) / span : 1n;
    }
    // Quote is token0, held above the price.
    const span = sqrtB - sqrtP;
    return span > 0n ? (amount * ((sqrtP * sqrtB) / Q96)) / span : 1n;
  };

  return {
    /** The current simulated pool (undefined before the first anchor). */
    get pool(): UniswapV3Pool | undefined {
      return pool;
    },
    baseIsToken0,
    /**
     * Re-centres the pool on a market price. `activeLiquidity`, when the market comes from real pool
     * events, replaces the configured ranges by one band of that liquidity.
     */
    anchor(sqrtPriceX96: bigint, activeLiquidity?: bigint): void {
      const tick = getTickAtSqrtRatio(sqrtPriceX96);
      const positions: PositionParameters[] = [];
      if (activeLiquidity !== undefined) {
        if (activeLiquidity > 0n) {
          positions.push({ tickLower: align(tick - replayedHalfWidth, false), tickUpper: align(tick + replayedHalfWidth + 1, true), liquidity: activeLiquidity });
        }
      } else {
        for (let i = 0; i < ranges.length; i++) {
          const tickLower = align(tick - ranges[i]!.halfWidthTicks, false);
          const tickUpper = align(tick + ranges[i]!.halfWidthTicks + 1, true);
          const liquidity = liquidityForQuote(sqrtPriceX96, tickLower, tickUpper, depths[i]!);
          if (liquidity > 0n) positions.push({ tickLower, tickUpper, liquidity });
        }
      }
      pool = createPool({ fee, tickSpacing, sqrtPriceX96, tick, positions });
    },
    /**
     * An exact-input swap as SwapRouter.exactInputSingle with no price limit. With `commit` false (a quote),
     * the pool is left as it was.
     */
    swapExactIn(tokenIn: Address, amountIn: bigint, commit = true): SwapReturnType {
      if (pool === undefined) throw new LiquidityRangeError('anchor', 'no price yet', 'anchor the pool to a market price before trading');
      const zeroForOne = tokenIn === token0;
      return (commit ? swap : quoteSwap)(pool, { zeroForOne, amountSpecified: amountIn });
    },
  };
}
export type AnchoredPool = ReturnType<typeof createAnchoredPool>;
