/** Uniswap v3's lowest tick (TickMath.MIN_TICK). */
export const MIN_TICK = -887272;
/** Uniswap v3's highest tick (TickMath.MAX_TICK). */
export const MAX_TICK = 887272;

export type LiquidityRange = {
  tickLower: number;
  tickUpper: number;
  /** USD value offered on each side of the position (the position manager uses at most this much). */
  usdPerSide: bigint;
};

/**
 * The tick a sqrtPriceX96 lies in, to within one tick. Only used to centre liquidity ranges, which are
 * at least tens of ticks wide, so float precision is enough here (no amount is computed from it).
 *
 * @example
 * approximateTick(2n ** 96n); // 0
 */
export function approximateTick(sqrtPriceX96: bigint): number {
  const ratio = Number(sqrtPriceX96) / 2 ** 96;
  return Math.floor((2 * Math.log(ratio)) / Math.log(1.0001));
}

/**
 * The devnet's liquidity layout around the current tick: deep and narrow near the price (so big swaps
 * cross initialised ticks and liquidity visibly changes), thinner and wider further out, and a full-range
 * position so the price never runs out of liquidity during a long replay. Widths are ±0.5 %, ±2 %,
 * ±10 % and ±50 % in price, aligned to the pool's tick spacing.
 *
 * @example
 * const ranges = devnetLiquidityRanges(200_000, 10, 100n); // 5 ranges at full size for the 0.05 % pool
 */
export function devnetLiquidityRanges(currentTick: number, tickSpacing: number, scalePercent: bigint): LiquidityRange[] {
  const align = (tick: number) => Math.floor(tick / tickSpacing) * tickSpacing;
  const around = (halfWidthTicks: number, usdPerSide: bigint): LiquidityRange => ({
    tickLower: align(currentTick - halfWidthTicks),
    tickUpper: align(currentTick + halfWidthTicks) + tickSpacing,
    usdPerSide: (usdPerSide * scalePercent) / 100n,
  });
  return [
    around(50, 1_000_000n),
    around(200, 3_000_000n),
    around(960, 6_000_000n),
    around(4_060, 10_000_000n),
    {
      tickLower: Math.ceil(MIN_TICK / tickSpacing) * tickSpacing,
      tickUpper: Math.floor(MAX_TICK / tickSpacing) * tickSpacing,
      usdPerSide: (10_000_000n * scalePercent) / 100n,
    },
  ];
}
