import { describe, expect, it } from 'vitest';
import { benchmarkSwapSimulator } from './measure-swap-simulator.js';

describe('benchmarkSwapSimulator', () => {
  it('measures both sides on the same realistic swaps and finds no mismatch', async () => {
    const result = await benchmarkSwapSimulator({ swaps: 400, seed: 3, minNativeMilliseconds: 20 });
    expect(result.swaps).toBe(400);
    expect(result.mismatches).toBe(0);
    // The sequence must include crossings, or it would measure only the easy path.
    expect(result.ticksCrossed).toBeGreaterThan(50);
    expect(result.nativeSwapsPerSecond).toBeGreaterThan(0);
    expect(result.sdkSwapsPerSecond).toBeGreaterThan(0);
  });
});
