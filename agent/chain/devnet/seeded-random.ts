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
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [0, n). */
    int: (n: number): number => Math.floor(next() * n),
  };
}
export type SeededRandom = ReturnType<typeof createSeededRandom>;
