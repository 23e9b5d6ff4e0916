import { mulberry32 } from '../../../agent/model/mulberry32.js';

/** Seeded random draws; see createSeededRandom. */
export type SeededRandom = {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** A bigint in [1, 10^digits], log-uniform over magnitudes up to 10^digits. */
  magnitude(maxDigits: number): bigint;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
};

/**
 * A small seeded PRNG (mulberry32) so randomised tests, benchmarks and scenarios reproduce from a seed.
 *
 * @example
 * const random = createSeededRandom(42);
 * random.next(); // a float in [0, 1), the same sequence for seed 42 every time
 */
export function createSeededRandom(seed: number): SeededRandom {
  const next = mulberry32(seed);
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    magnitude(maxDigits) {
      const digits = int(1, maxDigits);
      // Up to 15 significant random digits, then scaled, so every magnitude up to 10^maxDigits appears.
      const significant = BigInt(Math.floor(next() * 10 ** Math.min(digits, 15))) + 1n;
      return digits > 15 ? significant * 10n ** BigInt(digits - 15) : significant;
    },
    pick(items) {
      return items[Math.floor(next() * items.length)]!;
    },
  };
}
