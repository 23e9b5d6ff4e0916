import { systemClock } from '../../agent/model/clock.js';
import type { BacktestMetrics } from '../metrics.js';
import { rankResults, rankValue, type RankBy } from './rank-results.js';
import { resolveSweep, sweepDigestId, type SweepParameters } from './sweep-inputs.js';
import { defaultSweepStorePath, openSweepStore } from './sweep-store.js';
import type { SweepTask } from './sweep-task.js';
import { createSweepWorkerPool } from './worker-pool.js';

/** One run of a sweep, in ranked order. */
export type RankedRun = {
  /** 1 = best. */
  rank: number;
  /** The combination's position in the grid (the last grid key varies fastest). */
  combination: number;
  params: Record<string, unknown>;
  /** The metric ranked by (undefined sorts last). */
  value: number | undefined;
  metrics: BacktestMetrics;
  runId: string;
  from: number | undefined;
  to: number | undefined;
  events: number;
  denialsByReason: Record<string, number>;
};

export type RunSweepReturnType = {
  /** The stored sweep's id (undefined when storePath is null). */
  sweepId: string | undefined;
  storePath: string | null;
  strategy: string;
  data: string;
  rankBy: RankBy;
  workers: number;
  combinations: number;
  /** Combinations the strategy's schema rejected, with the reason (not run). */
  rejected: { params: Record<string, unknown>; reason: string }[];
  /** Best first. */
  ranked: RankedRun[];
  /** Wall time of the whole sweep, ms. */
  elapsedMs: number;
  /** Of which starting the worker threads, ms. */
  workerStartMs: number;
};

/**
 * Runs every combination of a parameter grid as a backtest on worker threads, ranks them by a metric and
 * stores the sweep and its ranked results in SQLite (`sweeps`, `sweep_results`). The results do not depend
 * on the number of workers: each backtest is deterministic and results are kept in grid order.
 *
 * @example
 * const sweep = await runSweep({
 *   strategy: 'trend',
 *   grid: { fastPeriod: [6, 12, 24], slowPeriod: [48, 96] },
 *   data: 'data/chainlink/eth-usd.csv',
 *   rankBy: 'sharpe',
 * });
 * sweep.ranked[0].params; // the best combination
 */
export async function runSweep(parameters: SweepParameters): Promise<RunSweepReturnType> {
  const clock = parameters.clock ?? systemClock;
  const started = performance.now();
  const { combinations, rejected, workers, rankBy } = resolveSweep(parameters);
  const tasks: SweepTask[] = combinations.map((params, index) => ({
    index,
    strategy: parameters.strategy,
    params,
    data: parameters.data,
    from: parameters.from,
    to: parameters.to,
    candles: parameters.candles,
    settings: parameters.settings,
  }));

  // Shown at once: starting the workers takes a second or more before the first backtest ends.
  parameters.onProgress?.({ phase: 'grid', done: 0, total: tasks.length });
  const pool = await createSweepWorkerPool(Math.min(workers, tasks.length));
  let summaries;
  try {
    summaries = await pool.run(tasks, (done, total) => parameters.onProgress?.({ phase: 'grid', done, total }));
  } finally {
    await pool.close();
  }
  const ranked: RankedRun[] = rankResults(summaries, rankBy).map((summary, position) => ({
    rank: position + 1,
    combination: summary.index,
    params: summary.params,
    value: rankValue(summary, rankBy),
    metrics: summary.metrics,
    runId: summary.runId,
    from: summary.from,
    to: summary.to,
    events: summary.events,
    denialsByReason: summary.denialsByReason,
  }));
  const elapsedMs = performance.now() - started;

  const storePath = parameters.storePath === undefined ? defaultSweepStorePath : parameters.storePath;
  let sweepId: string | undefined;
  if (storePath !== null) {
    const store = openSweepStore(storePath);
    try {
      sweepId = store.freeId(
        sweepDigestId({ kind: 'grid', strategy: parameters.strategy, grid: parameters.grid, fixed: parameters.fixed ?? {}, data: parameters.data, from: parameters.from ?? null, to: parameters.to ?? null, rankBy }),
      );
      store.save(
        {
          id: sweepId,
          createdAt: clock.now(),
          kind: 'grid',
          strategy: parameters.strategy,
          data: parameters.data,
          grid: parameters.grid,
          fixed: parameters.fixed ?? {},
          rankBy,
          from: parameters.from,
          to: parameters.to,
          workers: pool.size,
          combinations: combinations.length,
          rejected,
          elapsedMs,
        },
        rankResults(summaries, rankBy).map((summary, position) => ({ phase: 'grid', window: 0, rank: position + 1, summary })),
      );
    } finally {
      store.close();
    }
  }
  return {
    sweepId,
    storePath,
    strategy: parameters.strategy,
    data: parameters.data,
    rankBy,
    workers: pool.size,
    combinations: combinations.length,
    rejected,
    ranked,
    elapsedMs,
    workerStartMs: pool.startMs,
  };
}
