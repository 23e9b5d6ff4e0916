import type { BacktestMetrics } from '../metrics.js';

/** Several windows' backtests taken together (walk-forward: the in-sample or the out-of-sample record). */
export type WindowsAggregate = {
  windows: number;
  /** Π(1 + return) − 1: each window restarts with the initial capital, so returns chain by compounding. */
  compoundedReturn: number;
  /** The same chaining of each window's buy-and-hold return. */
  compoundedBuyAndHold: number;
  /** Means over the windows where the ratio is defined (undefined when none is). */
  meanSharpe: number | undefined;
  meanSortino: number | undefined;
  /** The largest drawdown of any one window. */
  worstDrawdown: number;
  trades: number;
  roundTrips: number;
  /** Winning round trips over all round trips. */
  winRate: number | undefined;
  fees: number;
  gas: number;
  denials: number;
};

const mean = (values: (number | undefined)[]): number | undefined => {
  const defined = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return defined.length === 0 ? undefined : defined.reduce((sum, v) => sum + v, 0) / defined.length;
};

/**
 * Aggregates the metrics of consecutive windows.
 *
 * @example
 * aggregateWindows(walkForward.windows.map((w) => w.outOfSample.metrics)).compoundedReturn;
 */
export function aggregateWindows(metrics: readonly BacktestMetrics[]): WindowsAggregate {
  let compounded = 1;
  let buyAndHold = 1;
  let wins = 0;
  const total = { trades: 0, roundTrips: 0, fees: 0, gas: 0, denials: 0, worstDrawdown: 0 };
  for (const m of metrics) {
    compounded *= 1 + m.totalReturn;
    buyAndHold *= 1 + m.buyAndHoldReturn;
    total.trades += m.trades;
    total.roundTrips += m.roundTrips;
    wins += (m.winRate ?? 0) * m.roundTrips;
    total.fees += m.fees;
    total.gas += m.gas;
    total.denials += m.denials;
    total.worstDrawdown = Math.max(total.worstDrawdown, m.maxDrawdown);
  }
  return {
    windows: metrics.length,
    compoundedReturn: compounded - 1,
    compoundedBuyAndHold: buyAndHold - 1,
    meanSharpe: mean(metrics.map((m) => m.sharpe)),
    meanSortino: mean(metrics.map((m) => m.sortino)),
    worstDrawdown: total.worstDrawdown,
    trades: total.trades,
    roundTrips: total.roundTrips,
    winRate: total.roundTrips > 0 ? Math.round(wins) / total.roundTrips : undefined,
    fees: total.fees,
    gas: total.gas,
    denials: total.denials,
  };
}
