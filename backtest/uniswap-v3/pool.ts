import { MAX_UINT128 } from './full-math.js';
import { PoolMathError } from './errors.js';
import { addDelta } from './liquidity-math.js';
import { getAmount0DeltaSigned, getAmount1DeltaSigned } from './sqrt-price-math.js';
import { computeSwapStepWithFloats, type SwapStepResult } from './swap-math.js';
import {
  MAX_SQRT_RATIO,
  MAX_TICK,
  MIN_SQRT_RATIO,
  MIN_TICK,
  getSqrtRatioAtTick,
  getSqrtRatioAtTickCached,
  getSqrtRatioFloatAtTickCached,
  getTickAtSqrtRatio,
  tickAtSqrtRatioFromFloat,
} from './tick-math.js';
import {
  createTickStore,
  nextInitializedTickWithinOneWord,
  setTick,
  updateTick,
  type TickInfo,
  type TickStore,
} from './tick-store.js';

/** The tick spacing the Uniswap v3 factory enables for each fee tier. */
export const TICK_SPACING_BY_FEE: Readonly<Record<number, number>> = { 100: 1, 500: 10, 3000: 60, 10000: 200 };

/**
 * A simulated Uniswap v3 pool: the state a swap reads and writes (slot0's price and tick, the in-range
 * liquidity, the initialised ticks). Mutated in place by swap, mintPosition and burnPosition.
 * Not modelled: fee growth and fees owed to positions, protocol fees, oracle observations.
 */
export type UniswapV3Pool = {
  /** Fee in hundredths of a bip (500 = 0.05 %). */
  readonly fee: number;
  readonly tickSpacing: number;
  sqrtPriceX96: bigint;
  /** slot0.tick: may be one below the price's tick right after a downward swap ends on a tick boundary. */
  tick: number;
  /** Liquidity of the positions in range. */
  liquidity: bigint;
  readonly ticks: TickStore;
  readonly maxLiquidityPerTick: bigint;
  /** Liquidity per position range "tickLower:tickUpper" (one owner), so burns cannot exceed mints. */
  readonly positions: Map<string, bigint>;
};

/** A position to add when building a pool. */
export type PositionParameters = { tickLower: number; tickUpper: number; liquidity: bigint };
/** A tick as read from a real pool's `ticks(tick)`, or inferred. */
export type TickParameters = { index: number } & TickInfo;

export type CreatePoolParameters = {
  fee: number;
  /** Defaults to the factory's spacing for `fee`. */
  tickSpacing?: number | undefined;
  sqrtPriceX96: bigint;
  /** slot0.tick; defaults to getTickAtSqrtRatio(sqrtPriceX96). Give it when copying a real pool's state. */
  tick?: number | undefined;
  /** Positions to mint, in order (amounts owed are not tracked). */
  positions?: readonly PositionParameters[] | undefined;
  /** Ticks to set directly instead of (or besides) positions. */
  ticks?: readonly TickParameters[] | undefined;
  /** In-range liquidity; required with `ticks` unless they describe every position (then it is derived). */
  liquidity?: bigint | undefined;
};

/**
 * Builds a simulated pool at a price, from positions (minted as NonfungiblePositionManager would) and/or
 * raw ticks (as read from a real pool).
 *
 * @example
 * const pool = createPool({
 *   fee: 500,
 *   sqrtPriceX96: 2n ** 96n,
 *   positions: [{ tickLower: -600, tickUpper: 600, liquidity: 10n ** 18n }],
 * });
 */
export function createPool(parameters: CreatePoolParameters): UniswapV3Pool {
  const { fee, sqrtPriceX96 } = parameters;
  if (!Number.isInteger(fee) || fee < 0 || fee >= 1_000_000) {
    throw new PoolMathError('FEE', 'Invalid pool fee.', `Fee ${fee} must be an integer in [0, 1000000) hundredths of a bip.`);
  }
  const tickSpacing = parameters.tickSpacing ?? TICK_SPACING_BY_FEE[fee];
  if (tickSpacing === undefined) {
    throw new PoolMathError('TS', 'No default tick spacing for this fee.', `Fee ${fee}: give tickSpacing, or use 100, 500, 3000 or 10000.`);
  }
  if (sqrtPriceX96 < MIN_SQRT_RATIO || sqrtPriceX96 >= MAX_SQRT_RATIO) {
    throw new PoolMathError('R', 'Sqrt price out of range.', `sqrtPriceX96 ${sqrtPriceX96} is not in [${MIN_SQRT_RATIO}, ${MAX_SQRT_RATIO}).`);
  }
  const tick = parameters.tick ?? getTickAtSqrtRatio(sqrtPriceX96);
  const pool: UniswapV3Pool = {
    fee,
    tickSpacing,
    sqrtPriceX96,
    tick,
    liquidity: 0n,
    ticks: createTickStore(tickSpacing),
    maxLiquidityPerTick: maxLiquidityPerTick(tickSpacing),
    positions: new Map(),
  };
  for (const tickParameters of parameters.ticks ?? []) setTick(pool.ticks, tickParameters.index, tickParameters);
  if (parameters.ticks && parameters.liquidity === undefined) {
    for (const tickParameters of parameters.ticks) if (tickParameters.index <= tick) pool.liquidity += tickParameters.liquidityNet;
    pool.liquidity = addDelta(0n, pool.liquidity);
  }
  if (parameters.liquidity !== undefined) pool.liquidity = addDelta(0n, parameters.liquidity);
  for (const position of parameters.positions ?? []) mintPosition(pool, position);
  return pool;
}

/** Tick.tickSpacingToMaxLiquidityPerTick: caps gross liquidity per tick so the total fits uint128. */
function maxLiquidityPerTick(tickSpacing: number): bigint {
  const minTick = Math.trunc(MIN_TICK / tickSpacing) * tickSpacing;
  const maxTick = Math.trunc(MAX_TICK / tickSpacing) * tickSpacing;
  const numTicks = BigInt((maxTick - minTick) / tickSpacing + 1);
  return MAX_UINT128 / numTicks;
}

/** Token amounts of a liquidity change: positive = paid into the pool. */
export type ModifyPositionReturnType = { amount0: bigint; amount1: bigint };

function modifyPosition(pool: UniswapV3Pool, position: PositionParameters, liquidityDelta: bigint): ModifyPositionReturnType {
  const { tickLower, tickUpper } = position;
  if (!Number.isInteger(tickLower) || !Number.isInteger(tickUpper) || tickLower >= tickUpper) {
    throw new PoolMathError('TLU', 'Lower tick must be below upper tick.', `Got tickLower ${tickLower}, tickUpper ${tickUpper}.`);
  }
  if (tickLower < MIN_TICK) throw new PoolMathError('TLM', 'Lower tick below MIN_TICK.', `Got ${tickLower}; MIN_TICK is ${MIN_TICK}.`);
  if (tickUpper > MAX_TICK) throw new PoolMathError('TUM', 'Upper tick above MAX_TICK.', `Got ${tickUpper}; MAX_TICK is ${MAX_TICK}.`);

  const key = `${tickLower}:${tickUpper}`;
  const positionLiquidity = addDelta(pool.positions.get(key) ?? 0n, liquidityDelta);
  if (liquidityDelta !== 0n) {
    updateTick(pool.ticks, tickLower, liquidityDelta, false, pool.maxLiquidityPerTick);
    updateTick(pool.ticks, tickUpper, liquidityDelta, true, pool.maxLiquidityPerTick);
  }
  if (positionLiquidity === 0n) pool.positions.delete(key);
  else pool.positions.set(key, positionLiquidity);

  const sqrtLower = getSqrtRatioAtTick(tickLower);
  const sqrtUpper = getSqrtRatioAtTick(tickUpper);
  if (pool.tick < tickLower) return { amount0: getAmount0DeltaSigned(sqrtLower, sqrtUpper, liquidityDelta), amount1: 0n };
  if (pool.tick < tickUpper) {
    const amount0 = getAmount0DeltaSigned(pool.sqrtPriceX96, sqrtUpper, liquidityDelta);
    const amount1 = getAmount1DeltaSigned(sqrtLower, pool.sqrtPriceX96, liquidityDelta);
    pool.liquidity = addDelta(pool.liquidity, liquidityDelta);
    return { amount0, amount1 };
  }
  return { amount0: 0n, amount1: getAmount1DeltaSigned(sqrtLower, sqrtUpper, liquidityDelta) };
}

/**
 * Adds liquidity to a range, as UniswapV3Pool.mint; returns the token amounts the minter pays (rounded up).
 *
 * @example
 * const { amount0, amount1 } = mintPosition(pool, { tickLower: -60, tickUpper: 60, liquidity: 10n ** 18n });
 */
export function mintPosition(pool: UniswapV3Pool, position: PositionParameters): ModifyPositionReturnType {
  if (position.liquidity <= 0n) {
    throw new PoolMathError('mint', 'Mint amount must be positive.', `Got liquidity ${position.liquidity}.`);
  }
  return modifyPosition(pool, position, position.liquidity);
}

/**
 * Removes liquidity from a range, as UniswapV3Pool.burn; returns the token amounts owed to the owner
 * (positive, rounded down). Throws 'LS' when burning more than was minted in that range.
 *
 * @example
 * const { amount0, amount1 } = burnPosition(pool, { tickLower: -60, tickUpper: 60, liquidity: 10n ** 18n });
 */
export function burnPosition(pool: UniswapV3Pool, position: PositionParameters): ModifyPositionReturnType {
  if (position.liquidity < 0n) {
    throw new PoolMathError('burn', 'Burn amount must not be negative.', `Got liquidity ${position.liquidity}.`);
  }
  const owed = modifyPosition(pool, position, -position.liquidity);
  return { amount0: -owed.amount0, amount1: -owed.amount1 };
}

export type SwapParameters = {
  /** true: token0 in, token1 out (price goes down). */
  zeroForOne: boolean;
  /** Positive: exact input (fee included). Negative: exact output. As UniswapV3Pool.swap. */
  amountSpecified: bigint;
  /** The price the swap may not pass; defaults to the extreme price in the swap's direction. */
  sqrtPriceLimitX96?: bigint | undefined;
};

export type SwapReturnType = {
  /** The pool's token0 delta: positive = paid into the pool. */
  amount0: bigint;
  /** The pool's token1 delta: positive = paid into the pool. */
  amount1: bigint;
  /** State after the swap. */
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  /** Initialised ticks crossed (liquidity transitions). */
  ticksCrossed: number;
  /** Total LP fee taken, in the input token. */
  feeAmount: bigint;
};

const LOWEST_LIMIT = MIN_SQRT_RATIO + 1n;
const HIGHEST_LIMIT = MAX_SQRT_RATIO - 1n;

// One scratch step result for all swaps: the loop below never allocates an object per step.
const step: SwapStepResult = { sqrtRatioNextX96: 0n, amountIn: 0n, amountOut: 0n, feeAmount: 0n };

function runSwap(pool: UniswapV3Pool, parameters: SwapParameters, commit: boolean): SwapReturnType {
  const { zeroForOne, amountSpecified } = parameters;
  if (amountSpecified === 0n) throw new PoolMathError('AS', 'Swap amount must not be zero.', 'amountSpecified is 0.');
  const sqrtPriceLimitX96 = parameters.sqrtPriceLimitX96 ?? (zeroForOne ? LOWEST_LIMIT : HIGHEST_LIMIT);
  const startPrice = pool.sqrtPriceX96;
  const validLimit = zeroForOne
    ? sqrtPriceLimitX96 < startPrice && sqrtPriceLimitX96 > MIN_SQRT_RATIO
    : sqrtPriceLimitX96 > startPrice && sqrtPriceLimitX96 < MAX_SQRT_RATIO;
  if (!validLimit) {
    throw new PoolMathError(
      'SPL',
      'Invalid sqrt price limit.',
      `Limit ${sqrtPriceLimitX96} must be ${zeroForOne ? 'below' : 'above'} the current sqrtPriceX96 ${startPrice} and inside (${MIN_SQRT_RATIO}, ${MAX_SQRT_RATIO}).`,
    );
  }

  const exactInput = amountSpecified > 0n;
  const store = pool.ticks;
  let remaining = amountSpecified;
  let calculated = 0n;
  let sqrtPriceX96 = startPrice;
  let tick = pool.tick;
  let liquidity = pool.liquidity;
  let ticksCrossed = 0;
  let feeTotal = 0n;
  let steps = 0;
  // Float shadows of the price and liquidity: the step uses them only to skip exact work that cannot
  // matter, and keeping them here converts each bigint once instead of in every check. Exact-output
  // token1 steps do not use them; they get zeros, which merely disable the shortcuts.
  const useFloats = exactInput || !zeroForOne;
  let sqrtPriceFloat = useFloats ? Number(sqrtPriceX96) : 0;
  let liquidityFloat = useFloats ? Number(liquidity) : 0;

  // The contract loops while an amount remains and the price is not at the limit. Both hold on entry
  // (amount ≠ 0 and a valid limit), and each way a step can end decides the rest directly, which spares
  // the bigint comparisons of re-testing both every time.
  for (;;) {
    const stepStartPrice = sqrtPriceX96;
    let tickNext = nextInitializedTickWithinOneWord(store, tick, zeroForOne);
    if (tickNext < MIN_TICK) tickNext = MIN_TICK;
    else if (tickNext > MAX_TICK) tickNext = MAX_TICK;
    const sqrtPriceNextX96 = getSqrtRatioAtTickCached(tickNext);
    const targetIsLimit = zeroForOne ? sqrtPriceNextX96 < sqrtPriceLimitX96 : sqrtPriceNextX96 > sqrtPriceLimitX96;
    const target = targetIsLimit ? sqrtPriceLimitX96 : sqrtPriceNextX96;
    const targetFloat = !useFloats ? 0 : targetIsLimit ? Number(sqrtPriceLimitX96) : getSqrtRatioFloatAtTickCached(tickNext);
    computeSwapStepWithFloats(step, sqrtPriceX96, target, liquidity, remaining, pool.fee, zeroForOne, exactInput, sqrtPriceFloat, targetFloat, liquidityFloat);
    sqrtPriceX96 = step.sqrtRatioNextX96;
    feeTotal = steps++ === 0 ? step.feeAmount : feeTotal + step.feeAmount;
    const reachedTarget = sqrtPriceX96 === target;
    if (exactInput) {
      // A step that stops short of its target spends all that remains (the rest is its fee).
      remaining = reachedTarget ? remaining - (step.amountIn + step.feeAmount) : 0n;
      calculated -= step.amountOut;
    } else {
      remaining += step.amountOut;
      calculated += step.amountIn + step.feeAmount;
    }
    if (reachedTarget) {
      sqrtPriceFloat = targetFloat;
      // A limit is a target only when strictly before the tick's price, so reaching it crosses nothing.
      if (!targetIsLimit) {
        const info = store.info.get(tickNext);
        if (info !== undefined) {
          const before = liquidity;
          liquidity = zeroForOne ? before - info.liquidityNet : before + info.liquidityNet;
          liquidityFloat = Number(liquidity);
          // LiquidityMath.addDelta's range checks, settled by the float when it is clearly inside uint128.
          if (!(liquidityFloat >= 0 && liquidityFloat < 2 ** 127)) liquidity = addDelta(before, zeroForOne ? -info.liquidityNet : info.liquidityNet);
          ticksCrossed++;
        }
        tick = zeroForOne ? tickNext - 1 : tickNext;
      } else {
        tick = tickAtSqrtRatioFromFloat(sqrtPriceX96, Number(sqrtPriceX96));
        break; // at the limit
      }
    } else {
      const nextFloat = Number(sqrtPriceX96);
      // Different floats mean different prices; equal floats need the exact comparison.
      if ((useFloats && nextFloat !== sqrtPriceFloat) || sqrtPriceX96 !== stepStartPrice) {
        sqrtPriceFloat = nextFloat;
        tick = tickAtSqrtRatioFromFloat(sqrtPriceX96, nextFloat);
      }
      if (exactInput) break; // nothing remains
    }
    if (remaining === 0n || sqrtPriceX96 === sqrtPriceLimitX96) break;
  }

  if (commit) {
    pool.sqrtPriceX96 = sqrtPriceX96;
    pool.tick = tick;
    pool.liquidity = liquidity;
  }
  const specifiedUsed = remaining === 0n ? amountSpecified : amountSpecified - remaining;
  return {
    amount0: zeroForOne === exactInput ? specifiedUsed : calculated,
    amount1: zeroForOne === exactInput ? calculated : specifiedUsed,
    sqrtPriceX96,
    tick,
    liquidity,
    ticksCrossed,
    feeAmount: feeTotal,
  };
}

/**
 * Swaps against the pool exactly as UniswapV3Pool.swap does and moves the pool to the new state.
 * Throws PoolMathError with the contract's revert reason where the contract would revert ('AS', 'SPL', ...).
 *
 * @example
 * const { amount0, amount1 } = swap(pool, { zeroForOne: true, amountSpecified: 10n ** 6n }); // sell 1 USDC
 */
export function swap(pool: UniswapV3Pool, parameters: SwapParameters): SwapReturnType {
  return runSwap(pool, parameters, true);
}

/**
 * The result swap() would give, without changing the pool.
 *
 * @example
 * const { amount1 } = quoteSwap(pool, { zeroForOne: true, amountSpecified: 10n ** 6n });
 */
export function quoteSwap(pool: UniswapV3Pool, parameters: SwapParameters): SwapReturnType {
  return runSwap(pool, parameters, false);
}

export type PoolStateReturnType = {
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  /** Initialised ticks, ascending. */
  ticks: TickParameters[];
};

/**
 * A snapshot of the pool's state, in the shape of what a real pool's slot0(), liquidity() and ticks()
 * return, for comparing a simulation with a chain.
 *
 * @example
 * const { sqrtPriceX96, tick, liquidity, ticks } = readPoolState(pool);
 */
export function readPoolState(pool: UniswapV3Pool): PoolStateReturnType {
  return {
    sqrtPriceX96: pool.sqrtPriceX96,
    tick: pool.tick,
    liquidity: pool.liquidity,
    ticks: pool.ticks.indexes.map((index) => ({ index, ...pool.ticks.info.get(index)! })),
  };
}
