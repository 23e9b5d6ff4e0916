import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoSwapRowsError, defaultNoiseSwapsCsvPath, loadNoiseSwapSizes } from './noise-swap-sizes.js';
import { createSeededRandom } from './seeded-random.js';

describe('loadNoiseSwapSizes', () => {
  it('takes the paid-in side of every real swap of the shared day', async () => {
    const sizes = await loadNoiseSwapSizes(defaultNoiseSwapsCsvPath);
    expect(sizes.length).toBeGreaterThanOrEqual(6_000);
    // First SWAP row: amount0 = -22686110 (USDC out), amount1 = 1e16 (WETH in).
    expect(sizes[0]).toEqual({ tokenIn: 'WETH', amountIn: 10_000_000_000_000_000n });
    expect(sizes[1]).toEqual({ tokenIn: 'USDC', amountIn: 1_779_711_470n });
    expect(sizes.every((s) => s.amountIn > 0n)).toBe(true);
  });

  it('finds columns by header name and skips non-swap rows', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mandate-noise-')), 'events.csv');
    writeFileSync(path, 'amount1,tx_type,amount0\n5,MINT,7\n-3,SWAP,9\n');
    expect(await loadNoiseSwapSizes(path)).toEqual([{ tokenIn: 'USDC', amountIn: 9n }]);
    writeFileSync(path, 'amount1,tx_type,amount0\n5,MINT,7\n');
    await expect(loadNoiseSwapSizes(path)).rejects.toThrow(NoSwapRowsError);
  });
});

describe('createSeededRandom', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const random = createSeededRandom(seed);
      return Array.from({ length: 5 }, () => random.int(1000));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    const random = createSeededRandom(1);
    for (let i = 0; i < 1000; i++) {
      const x = random.next();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});
