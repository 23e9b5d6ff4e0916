import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { PoolMathError } from './errors.js';
import { createSeededRandom } from '../../test/support/uniswap-v3/seeded-random.js';
import {
  MAX_SQRT_RATIO,
  MAX_TICK,
  MIN_SQRT_RATIO,
  MIN_TICK,
  getSqrtRatioAtTick,
  getSqrtRatioAtTickCached,
  getTickAtSqrtRatio,
} from './tick-math.js';

const require = createRequire(import.meta.url);
const sdk = require('@uniswap/v3-sdk') as any;
const JSBI = require('jsbi') as any;

describe('getSqrtRatioAtTick', () => {
  it('gives the bounds at MIN_TICK and MAX_TICK and 2^96 at tick 0', () => {
    expect(getSqrtRatioAtTick(MIN_TICK)).toBe(MIN_SQRT_RATIO);
    expect(getSqrtRatioAtTick(MAX_TICK)).toBe(MAX_SQRT_RATIO);
    expect(getSqrtRatioAtTick(0)).toBe(1n << 96n);
    expect(MIN_SQRT_RATIO).toBe(4295128739n);
    expect(MAX_SQRT_RATIO).toBe(1461446703485210103287273052203988822378723970342n);
  });

  it('matches known values from the Uniswap v3-core test suite', () => {
    expect(getSqrtRatioAtTick(MIN_TICK + 1)).toBe(4295343490n);
    expect(getSqrtRatioAtTick(MAX_TICK - 1)).toBe(1461373636630004318706518188784493106690254656249n);
    expect(getSqrtRatioAtTick(50)).toBe(79426470787362580746886972461n);
    expect(getSqrtRatioAtTick(-50)).toBe(79030349367926598376800521322n);
  });

  it('rejects ticks outside the range with reason T', () => {
    for (const bad of [MIN_TICK - 1, MAX_TICK + 1, 0.5]) {
      expect(() => getSqrtRatioAtTick(bad)).toThrowError(PoolMathError);
      try {
        getSqrtRatioAtTick(bad);
      } catch (error) {
        expect((error as PoolMathError).reason).toBe('T');
      }
    }
  });

  it('equals the SDK on every bit pattern and on seeded random ticks', () => {
    const random = createSeededRandom(11);
    const ticks = [MIN_TICK, MAX_TICK, -1, 1];
    for (let bit = 0; bit < 20; bit++) ticks.push(1 << bit, -(1 << bit));
    for (let i = 0; i < 3000; i++) ticks.push(random.int(MIN_TICK, MAX_TICK));
    for (const tick of ticks.filter((t) => Math.abs(t) <= MAX_TICK)) {
      expect(getSqrtRatioAtTick(tick)).toBe(BigInt(sdk.TickMath.getSqrtRatioAtTick(tick).toString()));
      expect(getSqrtRatioAtTickCached(tick)).toBe(getSqrtRatioAtTick(tick));
    }
  });
});

describe('getTickAtSqrtRatio', () => {
  it('maps the ratio bounds to the tick bounds', () => {
    expect(getTickAtSqrtRatio(MIN_SQRT_RATIO)).toBe(MIN_TICK);
    expect(getTickAtSqrtRatio(MAX_SQRT_RATIO - 1n)).toBe(MAX_TICK - 1);
    expect(getTickAtSqrtRatio(1n << 96n)).toBe(0);
  });

  it('rejects prices outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO) with reason R', () => {
    for (const bad of [MIN_SQRT_RATIO - 1n, MAX_SQRT_RATIO, 0n]) {
      expect(() => getTickAtSqrtRatio(bad)).toThrowError(/Sqrt price out of range/);
    }
  });

  it('returns the greatest tick at or below the price at every tick boundary, and equals the SDK', () => {
    const random = createSeededRandom(12);
    for (let i = 0; i < 3000; i++) {
      const tick = random.int(MIN_TICK + 1, MAX_TICK - 1);
      const ratio = getSqrtRatioAtTick(tick);
      expect(getTickAtSqrtRatio(ratio)).toBe(tick);
      expect(getTickAtSqrtRatio(ratio - 1n)).toBe(tick - 1);
      expect(getTickAtSqrtRatio(ratio + 1n)).toBe(tick);
      const inside = ratio + ((getSqrtRatioAtTick(tick + 1) - ratio) * BigInt(random.int(0, 1e6))) / 1_000_000n;
      expect(getTickAtSqrtRatio(inside)).toBe(sdk.TickMath.getTickAtSqrtRatio(JSBI.BigInt(inside.toString())));
    }
  });

  it('is exact where the float estimate is near the 1e-4 margin that decides between float and exact paths', () => {
    // Prices a fraction k/10^6 of the way into a tick and k/10^6 short of its end, for k around 100 (the
    // margin): whichever path answers, it must be the tick the price lies in, across the whole range.
    const random = createSeededRandom(13);
    const ticks = [MIN_TICK, MIN_TICK + 1, -1, 0, 1, MAX_TICK - 2];
    for (let i = 0; i < 400; i++) ticks.push(random.int(MIN_TICK, MAX_TICK - 2));
    for (const tick of ticks) {
      const low = getSqrtRatioAtTick(tick);
      const width = getSqrtRatioAtTick(tick + 1) - low;
      for (const k of [0n, 1n, 10n, 50n, 90n, 99n, 100n, 101n, 110n, 150n, 1000n]) {
        expect(getTickAtSqrtRatio(low + (width * k) / 1_000_000n)).toBe(tick);
        expect(getTickAtSqrtRatio(low + width - 1n - (width * k) / 1_000_000n)).toBe(tick);
      }
    }
  });
});
