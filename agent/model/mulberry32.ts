/**
 * mulberry32: a tiny seeded PRNG, so replays, generated markets and randomised tests reproduce from a seed
 * on any machine. Not for anything secret. Each user adds the draws it needs (ints, normals, magnitudes).
 *
 * @example
 * const next = mulberry32(42);
 * next(); // a float in [0, 1), the same sequence for seed 42 every time
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
