/**
 * Backtest metrics from an equity series sampled at a fixed interval. Annualisation assumes markets that
 * never close (crypto): periodsPerYear = 365 × 86,400 / sampleSeconds. Risk-free rate 0.
 */

/**
 * One year in seconds, 365 days (markets that never close).
 *
 * @example
 * const periodsPerYear = SECONDS_PER_YEAR / 3600; // hourly samples
 */
export const SECONDS_PER_YEAR = 365 * 86_400;

export type BacktestMetrics = {
  initialEquity: number;
  finalEquity: number;
  /** finalEquity / initialEquity − 1 (gas included). */
  totalReturn: number;
  /** lastPrice / firstPrice − 1: all capital in the base token at the first price, held. */
  buyAndHoldReturn: number;
  /** Compound annual growth over the replayed span; undefined when the span is 0. */
  cagr: number | undefined;
  /** Mean over standard deviation of per-sample returns, × √periodsPerYear; undefined under 2 samples or no variance. */
  sharpe: number | undefined;
  /** Mean over downside deviation (root mean square of negative returns), × √periodsPerYear. */
  sortino: number | undefined;
  /** Largest peak-to-trough fall of equity, a fraction (0.25 = −25 %), measured on every event. */
  maxDrawdown: number;
  trades: number;
  /** Sells that closed (part of) a position: each is one round trip against the average cost. */
  roundTrips: number;
  /** Winning round trips / round trips; undefined without any. */
  winRate: number | undefined;
  /** LP fees paid, quote units. */
  fees: number;
  /** Gas charged, quote units. */
  gas: number;
  denials: number;
  denialsByReason: Record<string, number>;
  reasonerCalls: number;
  /** The sampling interval the ratios were annualised from, seconds. */
  sampleSeconds: number;
  /** Unix seconds of the first and last replayed market prices. */
  firstTime: number | undefined;
  lastTime: number | undefined;
};

/**
 * Annualised Sharpe ratio of per-period simple returns (risk-free 0, sample standard deviation).
 *
 * @example
 * sharpeRatio([0.01, -0.005, 0.007], 8760); // hourly returns
 */
export function sharpeRatio(returns: ArrayLike<number>, periodsPerYear: number): number | undefined {
  const n = returns.length;
  if (n < 2) return undefined;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += returns[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (returns[i]! - mean) ** 2;
  const deviation = Math.sqrt(squares / (n - 1));
  return deviation > 0 ? (mean / deviation) * Math.sqrt(periodsPerYear) : undefined;
}

/**
 * Annualised Sortino ratio: mean return over the downside deviation √(Σ min(r, 0)² / n) (target 0).
 *
 * @example
 * sortinoRatio([0.01, -0.005, 0.007], 8760);
 */
export function sortinoRatio(returns: ArrayLike<number>, periodsPerYear: number): number | undefined {
  const n = returns.length;
  if (n < 2) return undefined;
  let sum = 0;
  let downside = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i]!;
    sum += r;
    if (r < 0) downside += r * r;
  }
  const deviation = Math.sqrt(downside / n);
  return deviation > 0 ? (sum / n / deviation) * Math.sqrt(periodsPerYear) : undefined;
}

/**
 * Compound annual growth rate from a start and end value over `seconds`.
 *
 * @example
 * compoundAnnualGrowth(100, 121, 2 * SECONDS_PER_YEAR); // 0.1
 */
export function compoundAnnualGrowth(start: number, end: number, seconds: number): number | undefined {
  if (!(seconds > 0) || !(start > 0)) return undefined;
  if (end <= 0) return -1;
  return (end / start) ** (SECONDS_PER_YEAR / seconds) - 1;
}

/**
 * Largest peak-to-trough fall of a series, as a fraction of the peak.
 *
 * @example
 * maxDrawdownOf([100, 120, 90, 130]); // 0.25
 */
export function maxDrawdownOf(values: ArrayLike<number>): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value > peak) peak = value;
    else if (peak > 0) worst = Math.max(worst, (peak - value) / peak);
  }
  return worst;
}
