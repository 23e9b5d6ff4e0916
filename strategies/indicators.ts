/**
 * Streaming indicators with O(1) updates over fixed ring buffers: no arrays grow and nothing is
 * allocated per update, so a strategy can take millions of events per second in a backtest.
 *
 * Sliding sums drift when floats are added and subtracted for millions of steps, so each indicator
 * recomputes its sums exactly once per lap of its ring (O(period) every `period` updates: still O(1)
 * amortised).
 */
import { MandateError } from '../agent/model/base-error.js';

/**
 * An indicator was configured with a window it cannot use.
 *
 * @example
 * new SimpleMovingAverage(0); // throws IndicatorPeriodError
 */
export class IndicatorPeriodError extends MandateError {
  override name = 'IndicatorPeriodError';
  constructor(indicator: string, period: unknown) {
    super(`Invalid period for ${indicator}.`, {
      details: `Got ${String(period)}; a period is an integer from 1 to 1,000,000.`,
    });
  }
}

function checkPeriod(indicator: string, period: number): void {
  if (!Number.isInteger(period) || period < 1 || period > 1_000_000) {
    throw new IndicatorPeriodError(indicator, period);
  }
}

/**
 * Simple moving average of the last `period` values.
 *
 * @example
 * const sma = new SimpleMovingAverage(3);
 * sma.update(1); sma.update(2); sma.update(3); // 2
 * sma.ready; // true
 */
export class SimpleMovingAverage {
  readonly period: number;
  private readonly values: Float64Array;
  private next = 0;
  private count = 0;
  private sum = 0;

  constructor(period: number) {
    checkPeriod('SimpleMovingAverage', period);
    this.period = period;
    this.values = new Float64Array(period);
  }

  /** True once `period` values were seen. */
  get ready(): boolean {
    return this.count === this.period;
  }

  /** The average of the values seen so far (of the last `period` once ready); NaN before any. */
  get value(): number {
    return this.count === 0 ? Number.NaN : this.sum / this.count;
  }

  /** Adds a value and returns the new average. */
  update(value: number): number {
    if (this.count === this.period) this.sum -= this.values[this.next]!;
    else this.count += 1;
    this.values[this.next] = value;
    this.sum += value;
    this.next += 1;
    if (this.next === this.period) {
      this.next = 0;
      if (this.count === this.period) this.resync();
    }
    return this.sum / this.count;
  }

  private resync(): void {
    let sum = 0;
    for (let i = 0; i < this.period; i += 1) sum += this.values[i]!;
    this.sum = sum;
  }

  /** The ring, its position and sum, for a restart (see strategy-state.ts). */
  saveState(): { values: number[]; next: number; count: number; sum: number } {
    return { values: Array.from(this.values), next: this.next, count: this.count, sum: this.sum };
  }

  restoreState(saved: unknown): void {
    const state = saved as ReturnType<SimpleMovingAverage['saveState']>;
    restoreRing(this.values, state.values, 'SimpleMovingAverage');
    this.next = state.next;
    this.count = state.count;
    this.sum = state.sum;
  }
}

/**
 * Exponential moving average with alpha = 2 / (period + 1), seeded with the simple average of the
 * first `period` values (so it is `ready` at the same event as an SMA of the same period).
 *
 * @example
 * const ema = new ExponentialMovingAverage(3);
 * [1, 2, 3, 4].forEach((x) => ema.update(x)); // seed 2, then 2 + 0.5 × (4 − 2) = 3
 * ema.value; // 3
 */
export class ExponentialMovingAverage {
  readonly period: number;
  readonly alpha: number;
  private count = 0;
  private current = 0;

  constructor(period: number) {
    checkPeriod('ExponentialMovingAverage', period);
    this.period = period;
    this.alpha = 2 / (period + 1);
  }

  get ready(): boolean {
    return this.count >= this.period;
  }

  /** The current average; during warm-up, the simple average of the values so far; NaN before any. */
  get value(): number {
    return this.count === 0 ? Number.NaN : this.current;
  }

  update(value: number): number {
    if (this.count < this.period) {
      this.count += 1;
      this.current += (value - this.current) / this.count;
    } else {
      this.current += this.alpha * (value - this.current);
    }
    return this.current;
  }

  /** The count and average, for a restart (see strategy-state.ts). */
  saveState(): { count: number; current: number } {
    return { count: this.count, current: this.current };
  }

  restoreState(saved: unknown): void {
    const state = saved as ReturnType<ExponentialMovingAverage['saveState']>;
    this.count = state.count;
    this.current = state.current;
  }
}

/**
 * Rolling mean and (population) standard deviation of the last `window` values, updated with the
 * sliding-window form of Welford's algorithm.
 *
 * @example
 * const stats = new RollingStats(4);
 * [2, 4, 4, 6].forEach((x) => stats.update(x));
 * stats.mean; // 4
 * stats.stddev; // 1.4142…
 * stats.zScore(7); // (7 − 4) / 1.4142… ≈ 2.12
 */
export class RollingStats {
  readonly window: number;
  private readonly values: Float64Array;
  private next = 0;
  private count = 0;
  private currentMean = 0;
  private m2 = 0;

  constructor(window: number) {
    checkPeriod('RollingStats', window);
    this.window = window;
    this.values = new Float64Array(window);
  }

  /** True once `window` values were seen. */
  get ready(): boolean {
    return this.count === this.window;
  }

  /** How many values the statistics cover (≤ window). */
  get size(): number {
    return this.count;
  }

  get mean(): number {
    return this.count === 0 ? Number.NaN : this.currentMean;
  }

  get variance(): number {
    return this.count === 0 ? Number.NaN : Math.max(0, this.m2 / this.count);
  }

  get stddev(): number {
    return Math.sqrt(this.variance);
  }

  /** How many standard deviations `value` is from the mean; NaN when the spread is 0 or unknown. */
  zScore(value: number): number {
    const deviation = this.stddev;
    return deviation > 0 ? (value - this.currentMean) / deviation : Number.NaN;
  }

  update(value: number): void {
    if (this.count < this.window) {
      this.count += 1;
      const delta = value - this.currentMean;
      this.currentMean += delta / this.count;
      this.m2 += delta * (value - this.currentMean);
    } else {
      const old = this.values[this.next]!;
      const previousMean = this.currentMean;
      this.currentMean = previousMean + (value - old) / this.window;
      this.m2 += (value - old) * (value - this.currentMean + old - previousMean);
    }
    this.values[this.next] = value;
    this.next += 1;
    if (this.next === this.window) {
      this.next = 0;
      if (this.count === this.window) this.resync();
    }
  }

  private resync(): void {
    let sum = 0;
    for (let i = 0; i < this.window; i += 1) sum += this.values[i]!;
    const mean = sum / this.window;
    let m2 = 0;
    for (let i = 0; i < this.window; i += 1) {
      const d = this.values[i]! - mean;
      m2 += d * d;
    }
    this.currentMean = mean;
    this.m2 = m2;
  }

  /** The ring, its position, mean and m2, for a restart (see strategy-state.ts). */
  saveState(): { values: number[]; next: number; count: number; mean: number; m2: number } {
    return { values: Array.from(this.values), next: this.next, count: this.count, mean: this.currentMean, m2: this.m2 };
  }

  restoreState(saved: unknown): void {
    const state = saved as ReturnType<RollingStats['saveState']>;
    restoreRing(this.values, state.values, 'RollingStats');
    this.next = state.next;
    this.count = state.count;
    this.currentMean = state.mean;
    this.m2 = state.m2;
  }
}

/** Refills a ring from saved values; a saved ring of another length belongs to other params. */
function restoreRing(ring: Float64Array, values: readonly number[], indicator: string): void {
  if (!Array.isArray(values) || values.length !== ring.length) {
    throw new IndicatorPeriodError(indicator, Array.isArray(values) ? values.length : values);
  }
  ring.set(values);
}
