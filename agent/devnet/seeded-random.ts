import { mulberry32 } from '../model/mulberry32.js';

/**
 * A small seeded PRNG (mulberry32): the same seed gives the same sequence, so a market replay's noise
 * swaps are reproducible. Not for anything secret.
 *
 * @example
 * const random = createSeededRandom(42);
 * random.next(); // 0 ≤ x < 1, always the same first value for seed 42
 * random.int(10); // 0..9
 */
export function createSeededRandom(seed: number) {
  const next = mulberry32(seed);
  return {
    next,
    /** An integer in [0, n). */
    int: (n: number): number => Math.floor(next() * n),
  };
}
export type SeededRandom = ReturnType<typeof createSeededRandom>;
