import { mulberry32 } from '../../agent/model/mulberry32.js';

/**
 * A small seeded generator (mulberry32) with a standard-normal draw: generated markets are reproducible
 * from their seed alone, on any machine.
 *
 * @example
 * const random = createSeededRandom(42);
 * random.next(); // uniform in [0, 1)
 * random.normal(); // standard normal
 */
export function createSeededRandom(seed: number) {
  let spare: number | undefined;
  const next = mulberry32(seed);
  return {
    next,
    /** An integer in [0, n). */
    int: (n: number): number => Math.floor(next() * n),
    /** Box–Muller; the second value of each pair is kept for the next call. */
    normal(): number {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
  };
}
export type SeededRandom = ReturnType<typeof createSeededRandom>;
