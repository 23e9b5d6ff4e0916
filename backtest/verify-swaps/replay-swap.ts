import { PoolMathError } from '../uniswap-v3/errors.js';
import { createPool, swap, type SwapParameters } from '../uniswap-v3/pool.js';
import { MAX_SQRT_RATIO, MIN_SQRT_RATIO } from '../uniswap-v3/tick-math.js';
import type { SwapRow } from './events-row.js';

/** The pool state a swap starts from (the state the previous row left). */
export type PoolSnapshot = { sqrtPriceX96: bigint; tick: number; liquidity: bigint };

/** What a replay engine simulates: a pool in that state, with at most one initialised tick on the path. */
export type ReplayPool = {
  fee: number;
  tickSpacing: number;
  before: PoolSnapshot;
  /** The one initialised tick assumed on the swap's path, with the liquidity change crossing it upward. */
  crossedTick?: { index: number; liquidityNet: bigint } | undefined;
};

export type SwapOutcome = { amount0: bigint; amount1: bigint; sqrtPriceX96: bigint; tick: number; liquidity: bigint };

/**
 * Simulates one swap. 'reverted': the pool would revert. 'unknown': the engine cannot tell the whole
 * outcome (the SDK does not report how much of the specified amount a price-limited swap used).
 */
export type SwapEngine = (
  pool: ReplayPool,
  parameters: SwapParameters,
) => SwapOutcome | 'reverted' | 'unknown' | Promise<SwapOutcome | 'reverted' | 'unknown'>;

/**
 * The native simulator as a replay engine.
 *
 * @example
 * const outcome = nativeSwapEngine({ fee: 500, tickSpacing: 10, before }, { zeroForOne: true, amountSpecified: 10n ** 6n });
 */
export const nativeSwapEngine: SwapEngine = (pool, parameters) => {
  const { crossedTick } = pool;
  const simulated = createPool({
    fee: pool.fee,
    tickSpacing: pool.tickSpacing,
    sqrtPriceX96: pool.before.sqrtPriceX96,
    tick: pool.before.tick,
    liquidity: pool.before.liquidity,
    ticks: crossedTick
      ? [{ index: crossedTick.index, liquidityNet: crossedTick.liquidityNet, liquidityGross: abs(crossedTick.liquidityNet) || 1n }]
      : [],
  });
  try {
    return swap(simulated, parameters);
  } catch (error) {
    if (error instanceof PoolMathError) return 'reverted';
    throw error;
  }
};

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

/** How the swap was called, as far as the replay can tell: the event does not record it. */
export type SwapHypothesis = 'exactInput' | 'exactOutput' | 'priceLimit';

export type SwapVerdict =
  | { verdict: 'matched'; ticksCrossed: 0 | 1; hypothesis: SwapHypothesis }
  | { verdict: 'mismatched'; reason: string }
  | { verdict: 'unverifiable'; reason: string }
  /** Only from engines that cannot answer every case (the SDK): no hypothesis could be decided. */
  | { verdict: 'unknown'; reason: string };

/** More boundaries than this on one swap's path means a corrupted row or a swap we cannot pin down. */
const MAX_CANDIDATE_TICKS = 2_000;

function sameOutcome(outcome: SwapOutcome, row: SwapRow): boolean {
  return (
    outcome.amount0 === row.amount0 &&
    outcome.amount1 === row.amount1 &&
    outcome.sqrtPriceX96 === row.sqrtPriceX96 &&
    outcome.tick === row.tick &&
    outcome.liquidity === row.liquidity
  );
}

/**
 * Decides whether a SWAP row is reproduced by the pool math from the state before it. The event does not
 * say how the swap was called, so three calls are tried: exact input of the amount paid in, exact output
 * of the amount paid out, and exact input stopped by a price limit at the row's final price. A row matches
 * when one of them reproduces amount0, amount1, sqrtPriceX96, tick and liquidity exactly.
 *
 * Crossing: only a crossed initialised tick changes liquidity, and the row's liquidity after the swap tells
 * by how much. When it changed, each tick boundary on the path is tried as the one crossed tick with
 * exactly that liquidityNet. A swap that matches nowhere is mismatched when at most one boundary lies on
 * its path (nothing else could explain it) and unverifiable when it may have crossed several.
 *
 * @example
 * const verdict = await classifySwap(nativeSwapEngine, 500, 10, before, row);
 */
export async function classifySwap(
  engine: SwapEngine,
  fee: number,
  tickSpacing: number,
  before: PoolSnapshot,
  row: SwapRow,
): Promise<SwapVerdict> {
  const { amount0, amount1 } = row;
  if (amount0 > 0n && amount1 > 0n) return { verdict: 'mismatched', reason: 'both amounts are paid into the pool' };
  if (amount0 <= 0n && amount1 <= 0n) return { verdict: 'mismatched', reason: 'no amount is paid into the pool' };
  const zeroForOne = amount0 > 0n;
  const amountIn = zeroForOne ? amount0 : amount1;
  const amountOut = -(zeroForOne ? amount1 : amount0);
  const movedRightWay = zeroForOne ? row.sqrtPriceX96 <= before.sqrtPriceX96 : row.sqrtPriceX96 >= before.sqrtPriceX96;
  if (!movedRightWay) {
    return { verdict: 'mismatched', reason: `price moved ${zeroForOne ? 'up' : 'down'} although token${zeroForOne ? 0 : 1} was paid in` };
  }

  const hypotheses: [SwapHypothesis, SwapParameters][] = [['exactInput', { zeroForOne, amountSpecified: amountIn }]];
  if (amountOut > 0n) hypotheses.push(['exactOutput', { zeroForOne, amountSpecified: -amountOut }]);
  if (row.sqrtPriceX96 !== before.sqrtPriceX96 && row.sqrtPriceX96 > MIN_SQRT_RATIO && row.sqrtPriceX96 < MAX_SQRT_RATIO) {
    hypotheses.push(['priceLimit', { zeroForOne, amountSpecified: amountIn, sqrtPriceLimitX96: row.sqrtPriceX96 }]);
  }

  // Tick boundaries the swap may have crossed: moving down it crosses T when the tick goes from ≥ T to < T.
  const low = zeroForOne ? row.tick : before.tick;
  const high = zeroForOne ? before.tick : row.tick;
  const first = Math.floor(low / tickSpacing) * tickSpacing + tickSpacing;
  const candidateCount = high >= first ? Math.floor((high - first) / tickSpacing) + 1 : 0;
  if (candidateCount > MAX_CANDIDATE_TICKS) {
    return { verdict: 'unverifiable', reason: `the swap spans ${candidateCount} tick boundaries` };
  }

  let unknown = false;
  const attempt = async (crossedTick: ReplayPool['crossedTick']): Promise<SwapHypothesis | undefined> => {
    for (const [name, parameters] of hypotheses) {
      const outcome = await engine({ fee, tickSpacing, before, crossedTick }, parameters);
      if (outcome === 'unknown') unknown = true;
      else if (outcome !== 'reverted' && sameOutcome(outcome, row)) return name;
    }
    return undefined;
  };

  const liquidityChange = row.liquidity - before.liquidity;
  if (liquidityChange === 0n) {
    const hypothesis = await attempt(undefined);
    if (hypothesis) return { verdict: 'matched', ticksCrossed: 0, hypothesis };
  }
  // Crossing T upward adds its liquidityNet; downward subtracts it. A zero change may be a zero-net tick.
  const liquidityNet = zeroForOne ? -liquidityChange : liquidityChange;
  for (let index = first; index <= high; index += tickSpacing) {
    const hypothesis = await attempt({ index, liquidityNet });
    if (hypothesis) return { verdict: 'matched', ticksCrossed: 1, hypothesis };
  }
  if (unknown) return { verdict: 'unknown', reason: 'the engine cannot decide a price-limited swap' };
  if (candidateCount >= 2) {
    return { verdict: 'unverifiable', reason: 'may have crossed more than one initialised tick' };
  }
  const crossing = candidateCount === 0 ? 'no tick boundary on its path' : 'at most one tick boundary on its path';
  return {
    verdict: 'mismatched',
    reason: `no exact-input, exact-output or price-limited swap reproduces the row (${crossing}, liquidity change ${liquidityChange})`,
  };
}
