/**
 * Where time comes from. Live agents use wall time; backtests a virtual clock advanced by the events.
 * Nothing else in Mandate reads Date.now(): that is what keeps backtests free of lookahead.
 */
export type Clock = {
  /** Now, unix milliseconds. */
  now(): number;
};

/** Wall time, for live runs. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that only moves when told to, for backtests and tests. It refuses to go backwards.
 *
 * @example
 * const clock = createVirtualClock(0);
 * clock.advanceTo(1_700_000_000_000);
 */
export function createVirtualClock(startMs = 0) {
  let current = startMs;
  return {
    now: () => current,
    advanceTo(ms: number) {
      if (ms < current) throw new RangeError(`Virtual clock cannot go back from ${current} to ${ms}.`);
      current = ms;
    },
  };
}
export type VirtualClock = ReturnType<typeof createVirtualClock>;
