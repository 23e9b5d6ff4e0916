import { addDelta } from './liquidity-math.js';
import { PoolMathError } from './errors.js';

/** What the pool keeps per initialised tick (the parts swaps need; fee growth is not modelled). */
export type TickInfo = {
  /** Total liquidity of positions that start or end here; the tick is initialised while this is > 0. */
  liquidityGross: bigint;
  /** Liquidity added when the price crosses this tick left to right (subtracted right to left). */
  liquidityNet: bigint;
};

/**
 * The pool's initialised ticks: a sorted array of tick indexes for searching plus a map to their info.
 * It answers the same question as the contract's tick bitmap, including its one-word (256 × tickSpacing)
 * search horizon, which matters because every word boundary ends a swap step and steps round separately.
 */
export type TickStore = {
  readonly tickSpacing: number;
  /** Initialised tick indexes, ascending. */
  readonly indexes: number[];
  readonly info: Map<number, TickInfo>;
};

/**
 * An empty store for a pool with this tick spacing.
 *
 * @example
 * const ticks = createTickStore(10);
 */
export function createTickStore(tickSpacing: number): TickStore {
  if (!Number.isInteger(tickSpacing) || tickSpacing <= 0 || tickSpacing > 16384) {
    throw new PoolMathError('TS', 'Invalid tick spacing.', `Tick spacing ${tickSpacing} must be an integer in [1, 16384].`);
  }
  return { tickSpacing, indexes: [], info: new Map() };
}

/** Index of the first element of `indexes` that is > tick (binary search). */
function upperBound(indexes: number[], tick: number): number {
  let low = 0;
  let high = indexes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (indexes[middle]! <= tick) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The next tick a swap step may stop at, as TickBitmap.nextInitializedTickWithinOneWord: searching down
 * (`lte`) the greatest initialised tick ≤ tick, searching up the least initialised tick > tick, but never
 * past the edge of the current 256-tick-spacing word; at that edge it returns the boundary tick, which is
 * then not initialised. Whether the result is initialised is `store.info.has(result)`.
 *
 * @example
 * nextInitializedTickWithinOneWord(createTickStore(10), 5, true); // 0 (start of the word, not initialised)
 */
export function nextInitializedTickWithinOneWord(store: TickStore, tick: number, lte: boolean): number {
  const spacing = store.tickSpacing;
  const compressed = Math.floor(tick / spacing);
  const indexes = store.indexes;
  const above = upperBound(indexes, tick);
  if (lte) {
    const wordStart = (compressed >> 8) * 256 * spacing;
    const found = above > 0 ? indexes[above - 1]! : -Infinity;
    return found > wordStart ? found : wordStart;
  }
  const wordEnd = (((compressed + 1) >> 8) * 256 + 255) * spacing;
  const found = above < indexes.length ? indexes[above]! : Infinity;
  return found < wordEnd ? found : wordEnd;
}

/**
 * Applies a position's liquidity change to one of its boundary ticks, as Tick.update plus the bitmap flip:
 * the tick becomes initialised when its gross liquidity leaves 0 and is cleared when it returns to 0.
 * `upper` says whether this is the position's upper tick (where crossing up removes the liquidity).
 *
 * @example
 * updateTick(store, -600, 10n ** 18n, false, 2n ** 128n);
 */
export function updateTick(store: TickStore, tick: number, liquidityDelta: bigint, upper: boolean, maxLiquidity: bigint): void {
  if (tick % store.tickSpacing !== 0) {
    throw new PoolMathError('TS', 'Tick is not a multiple of the tick spacing.', `Tick ${tick} with spacing ${store.tickSpacing}.`);
  }
  const current = store.info.get(tick);
  const grossBefore = current?.liquidityGross ?? 0n;
  const grossAfter = addDelta(grossBefore, liquidityDelta);
  if (grossAfter > maxLiquidity) {
    throw new PoolMathError('LO', 'Too much liquidity at one tick.', `Gross liquidity ${grossAfter} at tick ${tick} exceeds ${maxLiquidity}.`);
  }
  const netAfter = (current?.liquidityNet ?? 0n) + (upper ? -liquidityDelta : liquidityDelta);
  if (grossAfter === 0n) {
    if (current) {
      store.info.delete(tick);
      store.indexes.splice(upperBound(store.indexes, tick) - 1, 1);
    }
    return;
  }
  if (current) {
    current.liquidityGross = grossAfter;
    current.liquidityNet = netAfter;
    return;
  }
  store.info.set(tick, { liquidityGross: grossAfter, liquidityNet: netAfter });
  store.indexes.splice(upperBound(store.indexes, tick), 0, tick);
}

/**
 * Sets a tick's state directly (for building a pool from ticks read off a real pool, or inferred from
 * data). A gross liquidity of 0 clears the tick.
 *
 * @example
 * setTick(store, 199050, { liquidityGross: 5n, liquidityNet: -5n });
 */
export function setTick(store: TickStore, tick: number, info: TickInfo): void {
  if (tick % store.tickSpacing !== 0) {
    throw new PoolMathError('TS', 'Tick is not a multiple of the tick spacing.', `Tick ${tick} with spacing ${store.tickSpacing}.`);
  }
  const exists = store.info.has(tick);
  if (info.liquidityGross === 0n) {
    if (exists) {
      store.info.delete(tick);
      store.indexes.splice(upperBound(store.indexes, tick) - 1, 1);
    }
    return;
  }
  store.info.set(tick, { liquidityGross: info.liquidityGross, liquidityNet: info.liquidityNet });
  if (!exists) store.indexes.splice(upperBound(store.indexes, tick), 0, tick);
}
