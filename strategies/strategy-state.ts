/**
 * Saving and restoring a strategy's state, so a restarted agent resumes where it stopped. A strategy may
 * define `save(state)` and `load(saved)` itself; without them its state is saved by walking it: plain
 * objects, arrays, numbers, strings, booleans, bigints, typed arrays, and any object with
 * `saveState()`/`restoreState()` (every indicator in indicators.ts). Restoring starts from a fresh
 * `init()` and writes the saved values into it, so indicator instances keep their class.
 */
import { MandateError } from '../agent/model/base-error.js';

/** An object that saves its own state (the indicators do). */
export type Persistable = {
  saveState(): unknown;
  restoreState(saved: unknown): void;
};

/**
 * A strategy's state holds something that cannot be saved automatically (a Map, a function, a class
 * without saveState/restoreState, NaN...): give the strategy `save` and `load`.
 *
 * @example
 * saveStrategyState(new Map()); // throws StrategyStateError naming the path
 */
export class StrategyStateError extends MandateError {
  override name = 'StrategyStateError';
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`Cannot save the strategy state at ${path}: ${problem}.`, {
      details: 'Plain objects, arrays, finite numbers, strings, booleans, bigints, typed arrays and indicators are saved automatically; for anything else define save(state) and load(saved) on the strategy.',
    });
    this.path = path;
  }
}

const isPersistable = (value: object): value is Persistable =>
  typeof (value as Partial<Persistable>).saveState === 'function' && typeof (value as Partial<Persistable>).restoreState === 'function';

/**
 * The state as JSON-able data (bigints stay bigints: canonical JSON writes them as strings).
 *
 * @example
 * saveStrategyState({ fast: new SimpleMovingAverage(3), side: 1 }); // { fast: { values: [...], ... }, side: 1 }
 */
export function saveStrategyState(state: unknown, path = '$'): unknown {
  if (state === null || typeof state === 'string' || typeof state === 'boolean' || typeof state === 'bigint') return state;
  if (state === undefined) return undefined;
  if (typeof state === 'number') {
    if (!Number.isFinite(state)) throw new StrategyStateError(path, `the number ${state} has no JSON form`);
    return state;
  }
  if (typeof state !== 'object') throw new StrategyStateError(path, `a ${typeof state} is not data`);
  if (isPersistable(state)) return state.saveState();
  if (ArrayBuffer.isView(state) && !(state instanceof DataView)) return Array.from(state as unknown as ArrayLike<number>, (value, i) => saveStrategyState(value, `${path}[${i}]`));
  if (Array.isArray(state)) return state.map((value, i) => saveStrategyState(value, `${path}[${i}]`));
  const prototype = Object.getPrototypeOf(state);
  if (prototype !== Object.prototype && prototype !== null) throw new StrategyStateError(path, `a ${prototype?.constructor?.name ?? 'class'} instance has no saveState()`);
  const saved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) {
    const part = saveStrategyState(value, `${path}.${key}`);
    if (part !== undefined) saved[key] = part;
  }
  return saved;
}

/**
 * Writes saved data into a fresh state (from `init`) and returns it: indicators restore themselves,
 * bigints come back as bigints where the fresh state has one, typed arrays are refilled.
 *
 * @example
 * const state = restoreStrategyState(definition.init(ctx), saved);
 */
export function restoreStrategyState<State>(fresh: State, saved: unknown): State {
  return restoreInto(fresh, saved) as State;
}

function restoreInto(fresh: unknown, saved: unknown): unknown {
  if (saved === undefined) return fresh;
  if (typeof fresh === 'bigint') return BigInt(saved as string);
  if (fresh === null || typeof fresh !== 'object') return saved;
  if (isPersistable(fresh)) {
    fresh.restoreState(saved);
    return fresh;
  }
  if (ArrayBuffer.isView(fresh) && Array.isArray(saved)) {
    (fresh as unknown as { set(values: ArrayLike<number>): void }).set(saved as number[]);
    return fresh;
  }
  if (Array.isArray(fresh) && Array.isArray(saved)) return saved.map((value, i) => restoreInto(fresh[i], value));
  if (Array.isArray(saved) || typeof saved !== 'object' || saved === null) return saved;
  const target = fresh as Record<string, unknown>;
  for (const [key, value] of Object.entries(saved)) target[key] = restoreInto(target[key], value);
  return target;
}
