import { describe, expect, it } from 'vitest';
import { MAX_TICK, MIN_TICK, approximateTick, devnetLiquidityRanges } from './liquidity-ranges.js';

describe('devnetLiquidityRanges', () => {
  it('gives spacing-aligned ranges that all contain the current tick, nested from narrow to full range', () => {
    for (const [tick, spacing] of [
      [201_044, 10],
      [201_044, 60],
      [-195_001, 60],
    ] as const) {
      const ranges = devnetLiquidityRanges(tick, spacing, 100n);
      expect(ranges).toHaveLength(5);
      for (const range of ranges) {
        expect(range.tickLower % spacing === 0).toBe(true);
        expect(range.tickUpper % spacing === 0).toBe(true);
        expect(range.tickLower < tick && tick < range.tickUpper).toBe(true);
        expect(range.tickLower >= MIN_TICK && range.tickUpper <= MAX_TICK).toBe(true);
      }
      for (let i = 1; i < ranges.length; i++) {
        expect(ranges[i]!.tickLower < ranges[i - 1]!.tickLower && ranges[i]!.tickUpper > ranges[i - 1]!.tickUpper).toBe(true);
      }
    }
  });

  it('scales the offered amounts by percent', () => {
    const full = devnetLiquidityRanges(0, 10, 100n);
    const half = devnetLiquidityRanges(0, 10, 50n);
    half.forEach((r, i) => expect(r.usdPerSide * 2n).toBe(full[i]!.usdPerSide));
  });
});

describe('approximateTick', () => {
  it('is within one tick of the exact tick', () => {
    expect(approximateTick(2n ** 96n)).toBe(0);
    // Mainnet USDC/WETH slot0 after its first swap of 2024-01-05: tick 199045.
    expect(Math.abs(approximateTick(1662995104975155420368771254341874n) - 199_045)).toBeLessThanOrEqual(1);
  });
});
