import { systemClock } from '../../agent/model/clock.js';
import type { BacktestMetrics } from '../metrics.js';
import { rankResults, rankValue, type RankBy } from './rank-results.js';
import { resolveSweep, sweepDigestId, type SweepParameters } from './sweep-inputs.js';
import { packageIdentity } from '../../agent/model/package-identity.js';
import { resumableInputs, sweepStrategyDefinition, sweepStrategyDigest, sweepStrategyLabel } from './sweep-strategy.js';
import { openSweepSession } from './sweep-session.js';
import type { SweepRunSummary } from './sweep-task.js';

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
  /** sha256 of the data file, the config sections' digest and the Mandate version of the run. */
  dataHash: string;
  configDigest: string;
  version: string;
};

export type RunSweepReturnType = {
  /** The stored sweep's id (undefined when storePath is null). */
  sweepId: string | undefined;
  storePath: string | null;
  /** The built-in's name, or the strategy file and export. */
  strategy: string;
  data: string;
  /** sha256 of the data file's bytes. */
  dataHash: string;
  /** Digest of the config sections (risk, execution, backtest) every backtest ran with. */
  configDigest: string;
  /** The Mandate version that ran the sweep (every worker runs the same: they refuse other versions' jobs). */
  version: string;
  rankBy: RankBy;
  /** Worker threads, or the `mandate worker` processes that sent results (with a queue). */
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
  const definition = await sweepStrategyDefinition(parameters.strategy);
  const { combinations, rejected, workers, rankBy } = resolveSweep(parameters, definition);
  const strategy = sweepStrategyLabel(parameters.strategy);
  const session = await openSweepSession({
    kind: 'grid',
    parameters,
    id: sweepDigestId({ kind: 'grid', strategy: sweepStrategyDigest(parameters.strategy), grid: parameters.grid, fixed: parameters.fixed ?? {}, data: parameters.data, from: parameters.from ?? null, to: parameters.to ?? null, rankBy }),
    inputs: resumableInputs(parameters),
    threads: Math.min(workers, combinations.length),
  });
  let summaries: SweepRunSummary[];
  let workerCount: number;
  let sweepId: string | undefined;
  let elapsedMs: number;
  try {
    summaries = rankResults(await session.run('grid', combinations.map((params, index) => session.task(index, params))), rankBy);
    workerCount = session.workers();
    elapsedMs = performance.now() - started;
    sweepId = session.store((store, id) => {
      store.save(
        {
          id,
          createdAt: clock.now(),
          kind: 'grid',
          strategy,
          data: parameters.data,
          grid: parameters.grid,
          fixed: parameters.fixed ?? {},
          rankBy,
          from: parameters.from,
          to: parameters.to,
          workers: workerCount,
          combinations: combinations.length,
          rejected,
          elapsedMs,
        },
        summaries.map((summary, position) => ({ phase: 'grid', window: 0, rank: position + 1, summary })),
      );
      return id;
    });
  } finally {
    await session.close();
  }
  const ranked: RankedRun[] = summaries.map((summary, position) => ({
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
    dataHash: summary.dataHash,
    configDigest: summary.configDigest,
    version: summary.version,
  }));
  return {
    sweepId,
    storePath: session.storePath,
    strategy,
    data: parameters.data,
    dataHash: session.dataHash,
    configDigest: session.configDigest,
    version: packageIdentity().version,
    rankBy,
    workers: workerCount,
    combinations: combinations.length,
    rejected,
    ranked,
    elapsedMs,
    workerStartMs: session.runner.startMs,
  };
}
