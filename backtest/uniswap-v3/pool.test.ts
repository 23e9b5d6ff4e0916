import { describe, expect, it } from 'vitest';
import { PoolMathError } from './errors.js';
import { burnPosition, createPool, mintPosition, quoteSwap, readPoolState, swap, type UniswapV3Pool } from './pool.js';
import { getSqrtRatioAtTick, MAX_SQRT_RATIO, MIN_SQRT_RATIO } from './tick-math.js';
import { createTickStore, nextInitializedTickWithinOneWord, setTick } from './tick-store.js';

const E18 = 10n ** 18n;

function reasonOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof PoolMathError) return error.reason;
    throw error;
  }
  return undefined;
}

function twoRangePool(): UniswapV3Pool {
  return createPool({
    fee: 3000,
    sqrtPriceX96: getSqrtRatioAtTick(0),
    positions: [
      { tickLower: -600, tickUpper: 600, liquidity: 10n * E18 },
      { tickLower: -120, tickUpper: 120, liquidity: 5n * E18 },
    ],
  });
}

describe('mintPosition and burnPosition', () => {
  it('charge both tokens in range, one token out of range, and move in-range liquidity only', () => {
    const pool = twoRangePool();
    expect(pool.liquidity).toBe(15n * E18);
    const inRange = mintPosition(pool, { tickLower: -60, tickUpper: 60, liquidity: E18 });
    expect(inRange.amount0 > 0n && inRange.amount1 > 0n).toBe(true);
    expect(pool.liquidity).toBe(16n * E18);
    const above = mintPosition(pool, { tickLower: 600, tickUpper: 1200, liquidity: E18 });
    expect(above.amount0 > 0n && above.amount1 === 0n).toBe(true);
    const below = mintPosition(pool, { tickLower: -1200, tickUpper: -600, liquidity: E18 });
    expect(below.amount0 === 0n && below.amount1 > 0n).toBe(true);
    expect(pool.liquidity).toBe(16n * E18);
  });

  it('pays back at most what was paid in (rounded down) and clears ticks when the last liquidity leaves', () => {
    const pool = createPool({ fee: 500, sqrtPriceX96: getSqrtRatioAtTick(5) + 12345n });
    const paid = mintPosition(pool, { tickLower: -100, tickUpper: 100, liquidity: 123456789n * E18 });
    const owed = burnPosition(pool, { tickLower: -100, tickUpper: 100, liquidity: 123456789n * E18 });
    expect(owed.amount0).toBeLessThanOrEqual(paid.amount0);
    expect(owed.amount1).toBeLessThanOrEqual(paid.amount1);
    expect(paid.amount0 - owed.amount0).toBeLessThanOrEqual(1n);
    expect(pool.liquidity).toBe(0n);
    expect(readPoolState(pool).ticks).toEqual([]);
  });

  it('reverts like the contract on bad ranges and over-burns', () => {
    const pool = twoRangePool();
    expect(reasonOf(() => mintPosition(pool, { tickLower: 60, tickUpper: 60, liquidity: 1n }))).toBe('TLU');
    expect(reasonOf(() => mintPosition(pool, { tickLower: -887280, tickUpper: 0, liquidity: 1n }))).toBe('TLM');
    expect(reasonOf(() => mintPosition(pool, { tickLower: 0, tickUpper: 887280, liquidity: 1n }))).toBe('TUM');
    expect(reasonOf(() => mintPosition(pool, { tickLower: 1, tickUpper: 60, liquidity: 1n }))).toBe('TS');
    expect(reasonOf(() => burnPosition(pool, { tickLower: -600, tickUpper: 600, liquidity: 11n * E18 }))).toBe('LS');
  });
});

describe('swap', () => {
  it('crosses initialised ticks, applying liquidityNet each way, and counts them', () => {
    const pool = twoRangePool();
    const down = swap(pool, { zeroForOne: true, amountSpecified: 2n * E18 / 10n });
    expect(down.amount0).toBe(2n * E18 / 10n);
    expect(down.amount1 < 0n).toBe(true);
    expect(down.ticksCrossed).toBe(1);
    expect(down.tick).toBeLessThan(-120);
    expect(pool.liquidity).toBe(10n * E18);
    const up = swap(pool, { zeroForOne: false, amountSpecified: 4n * E18 / 10n });
    expect(up.ticksCrossed).toBe(2);
    expect(up.tick).toBeGreaterThanOrEqual(120);
    expect(pool.liquidity).toBe(10n * E18);
  });

  it('pays exactly the requested output on exact-output swaps', () => {
    const pool = twoRangePool();
    const result = swap(pool, { zeroForOne: false, amountSpecified: -(10n ** 15n) });
    expect(result.amount0).toBe(-(10n ** 15n));
    expect(result.amount1 > 10n ** 15n).toBe(true);
  });

  it('stops exactly at the price limit and uses only part of the input', () => {
    const pool = twoRangePool();
    const limit = getSqrtRatioAtTick(-30) + 7n;
    const result = swap(pool, { zeroForOne: true, amountSpecified: E18, sqrtPriceLimitX96: limit });
    expect(result.sqrtPriceX96).toBe(limit);
    expect(result.amount0 > 0n && result.amount0 < E18).toBe(true);
    expect(result.tick).toBe(-30);
  });

  it('rejects a zero amount (AS) and limits on the wrong side or outside the bounds (SPL)', () => {
    const pool = twoRangePool();
    expect(reasonOf(() => swap(pool, { zeroForOne: true, amountSpecified: 0n }))).toBe('AS');
    expect(reasonOf(() => swap(pool, { zeroForOne: true, amountSpecified: 1n, sqrtPriceLimitX96: pool.sqrtPriceX96 }))).toBe('SPL');
    expect(reasonOf(() => swap(pool, { zeroForOne: false, amountSpecified: 1n, sqrtPriceLimitX96: MAX_SQRT_RATIO }))).toBe('SPL');
    expect(reasonOf(() => swap(pool, { zeroForOne: true, amountSpecified: 1n, sqrtPriceLimitX96: MIN_SQRT_RATIO }))).toBe('SPL');
  });

  it('reverts like LiquidityMath.addDelta when a crossing would take liquidity below 0 (LS) or above uint128 (LA)', () => {
    // Inconsistent ticks (as bad inferred data could give): crossing 60 upward removes more than is in range.
    const below = createPool({
      fee: 3000,
      sqrtPriceX96: getSqrtRatioAtTick(0),
      liquidity: E18,
      ticks: [{ index: 60, liquidityGross: 2n * E18, liquidityNet: -2n * E18 }],
    });
    expect(reasonOf(() => swap(below, { zeroForOne: false, amountSpecified: E18 }))).toBe('LS');
    const MAX_UINT128 = (1n << 128n) - 1n;
    const above = createPool({
      fee: 3000,
      sqrtPriceX96: getSqrtRatioAtTick(0),
      liquidity: MAX_UINT128 - 5n,
      ticks: [{ index: 60, liquidityGross: 10n, liquidityNet: 10n }],
    });
    expect(reasonOf(() => swap(above, { zeroForOne: false, amountSpecified: 10n ** 40n }))).toBe('LA');
    // At the bound itself it is still fine.
    const atBound = createPool({
      fee: 3000,
      sqrtPriceX96: getSqrtRatioAtTick(0),
      liquidity: MAX_UINT128 - 10n,
      ticks: [{ index: 60, liquidityGross: 10n, liquidityNet: 10n }],
    });
    expect(swap(atBound, { zeroForOne: false, amountSpecified: 10n ** 40n, sqrtPriceLimitX96: getSqrtRatioAtTick(61) }).liquidity).toBe(MAX_UINT128);
  });

  it('gives the same results on a pool rebuilt from readPoolState (how a real pool is copied)', () => {
    const pool = twoRangePool();
    swap(pool, { zeroForOne: true, amountSpecified: E18 / 7n });
    const state = readPoolState(pool);
    const copy = createPool({ fee: 3000, sqrtPriceX96: state.sqrtPriceX96, tick: state.tick, ticks: state.ticks });
    expect(copy.liquidity).toBe(pool.liquidity);
    const parameters = { zeroForOne: false, amountSpecified: E18 / 3n };
    expect(quoteSwap(copy, parameters)).toEqual(quoteSwap(pool, parameters));
  });
});

describe('nextInitializedTickWithinOneWord', () => {
  it('stops at the edges of the 256-spacing word like the tick bitmap, including for negative ticks', () => {
    const store = createTickStore(10);
    expect(nextInitializedTickWithinOneWord(store, -1, true)).toBe(-2560);
    expect(nextInitializedTickWithinOneWord(store, -1, false)).toBe(2550);
    expect(nextInitializedTickWithinOneWord(store, 2550, false)).toBe(5110);
    expect(nextInitializedTickWithinOneWord(store, 0, true)).toBe(0);
    setTick(store, 70, { liquidityGross: 1n, liquidityNet: 1n });
    setTick(store, -70, { liquidityGross: 1n, liquidityNet: -1n });
    expect(nextInitializedTickWithinOneWord(store, 69, false)).toBe(70);
    expect(nextInitializedTickWithinOneWord(store, 70, false)).toBe(2550);
    expect(nextInitializedTickWithinOneWord(store, 70, true)).toBe(70);
    expect(nextInitializedTickWithinOneWord(store, -61, true)).toBe(-70);
    expect(nextInitializedTickWithinOneWord(store, -71, true)).toBe(-2560);
  });
});
