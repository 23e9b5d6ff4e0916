/**
 * The pool's in-range liquidity after a position changes by `liquidityDelta` (Mint: +amount, Burn:
 * −amount). Uniswap v3 counts a position as in range when tickLower ≤ tick < tickUpper; only then does
 * the pool's active liquidity change (UniswapV3Pool._modifyPosition).
 *
 * @example
 * liquidityAfterPositionChange({ tick: 199061, liquidity: 12_400_067_608_091_933_125n },
 *   { tickLower: 199060, tickUpper: 199070, liquidityDelta: 389_297_572_651_811_471_360n });
 * // 401_697_640_259_903_404_485n
 */
export function liquidityAfterPositionChange(
  pool: { tick: number; liquidity: bigint },
  change: { tickLower: number; tickUpper: number; liquidityDelta: bigint },
): bigint {
  const inRange = change.tickLower <= pool.tick && pool.tick < change.tickUpper;
  return inRange ? pool.liquidity + change.liquidityDelta : pool.liquidity;
}
