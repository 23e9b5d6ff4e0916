import type { MandateConfigInput } from '../../agent/config/config-schema.js';
import type { BacktestMetrics } from '../metrics.js';
import { runBacktest } from '../run-backtest.js';
import type { CandleMode } from '../sources/ohlcv-csv-source.js';

/**
 * One backtest of a sweep, as plain data so it can cross to a worker thread: a built-in strategy by name,
 * params already validated by paramGrid, and the CSV path (each worker opens the file itself).
 */
export type SweepTask = {
  /** Position in the batch; results come back in this order whatever worker ran them. */
  index: number;
  strategy: string;
  params: Record<string, unknown>;
  data: string;
  from?: number | undefined;
  to?: number | undefined;
  candles?: CandleMode | undefined;
  settings?: Pick<MandateConfigInput, 'risk' | 'execution' | 'backtest'> | undefined;
};

/** What a sweep keeps of one backtest: the metrics and counts, not the curve or the trades. */
export type SweepRunSummary = {
  index: number;
  params: Record<string, unknown>;
  runId: string;
  /** The window actually replayed (first and last event time), unix seconds. */
  from: number | undefined;
  to: number | undefined;
  metrics: BacktestMetrics;
  events: number;
  denialsByReason: Record<string, number>;
  failuresByReason: Record<string, number>;
};

/**
 * Runs one sweep task through runBacktest (rules reasoner, in-memory journal) and keeps its summary.
 *
 * @example
 * const summary = await runSweepTask({ index: 0, strategy: 'trend', params: { fastPeriod: 5 }, data: 'eth-usd.csv' });
 * summary.metrics.sharpe;
 */
export async function runSweepTask(task: SweepTask): Promise<SweepRunSummary> {
  const result = await runBacktest({
    strategy: task.strategy,
    params: task.params,
    data: task.data,
    from: task.from,
    to: task.to,
    candles: task.candles,
    settings: task.settings,
  });
  return {
    index: task.index,
    params: result.strategy.params,
    runId: result.runId,
    from: result.from,
    to: result.to,
    metrics: result.metrics,
    events: result.summary.events,
    denialsByReason: result.denialsByReason,
    failuresByReason: result.failuresByReason,
  };
}
