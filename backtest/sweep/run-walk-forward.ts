import { systemClock } from '../../agent/model/clock.js';
import type { BacktestMetrics } from '../metrics.js';
import { aggregateWindows, type WindowsAggregate } from './aggregate-windows.js';
import { dataSpan } from './data-span.js';
import { rankResults, rankValue, type RankBy } from './rank-results.js';
import { resolveSweep, sweepDigestId, type SweepParameters } from './sweep-inputs.js';
import type { SweepResultRecord } from './sweep-store.js';
import { packageIdentity } from '../../agent/model/package-identity.js';
import { openSweepSession } from './sweep-session.js';
import { resumableInputs, sweepStrategyDefinition, sweepStrategyDigest, sweepStrategyLabel } from './sweep-strategy.js';
import type { SweepRunSummary } from './sweep-task.js';
import { walkForwardWindows, type WalkForwardWindow } from './walk-forward-windows.js';

export type RunWalkForwardParameters = SweepParameters & {
  /** Length of each training window, seconds. */
  trainSeconds: number;
  /** Length of each test window, seconds. */
  testSeconds: number;
  /** How far windows move on; default testSeconds. */
  stepSeconds?: number | undefined;
};

/** One window: the params chosen on train (in-sample) and how they did on test (out-of-sample). */
export type WalkForwardWindowResult = WalkForwardWindow & {
  best: { combination: number; params: Record<string, unknown>; value: number | undefined; runId: string; metrics: BacktestMetrics };
  outOfSample: { runId: string; from: number | undefined; to: number | undefined; metrics: BacktestMetrics };
};

export type RunWalkForwardReturnType = {
  sweepId: string | undefined;
  storePath: string | null;
  strategy: string;
  data: string;
  /** sha256 of the data file; the config sections' digest; the Mandate version. */
  dataHash: string;
  configDigest: string;
  version: string;
  rankBy: RankBy;
  workers: number;
  combinations: number;
  rejected: { params: Record<string, unknown>; reason: string }[];
  trainSeconds: number;
  testSeconds: number;
  windows: WalkForwardWindowResult[];
  /** The chosen params on their own training windows: what a sweep alone would have promised. */
  inSample: WindowsAggregate;
  /** The chosen params on the following, unseen test windows: what the method really delivered. */
  outOfSample: WindowsAggregate;
  elapsedMs: number;
};

/**
 * Walk-forward analysis: rolling train/test windows over the data; in each, every grid combination is
 * backtested on the train window, the best by `rankBy` is kept, and only that one is backtested on the
 * test window that follows. Out-of-sample results (per window and chained) are reported apart from the
 * in-sample ones and stored as phase 'test' rows beside the 'train' rows.
 *
 * Each window's backtests start fresh at its first event (capital in cash, indicators empty), so a strategy
 * with a long warm-up trades less in short windows.
 *
 * @example
 * const wf = await runWalkForward({
 *   strategy: 'trend', grid: { fastPeriod: [6, 12], slowPeriod: [48, 96] },
 *   data: 'data/chainlink/eth-usd.csv', trainSeconds: 60 * 86400, testSeconds: 30 * 86400,
 * });
 * wf.outOfSample.compoundedReturn;
 */
export async function runWalkForward(parameters: RunWalkForwardParameters): Promise<RunWalkForwardReturnType> {
  const clock = parameters.clock ?? systemClock;
  const started = performance.now();
  const definition = await sweepStrategyDefinition(parameters.strategy);
  const { combinations, rejected, workers, rankBy } = resolveSweep(parameters, definition);
  const strategy = sweepStrategyLabel(parameters.strategy);
  const span = await dataSpan(parameters.data, { from: parameters.from, to: parameters.to, candles: parameters.candles });
  const windows = walkForwardWindows({
    first: span.first,
    last: span.last,
    trainSeconds: parameters.trainSeconds,
    testSeconds: parameters.testSeconds,
    stepSeconds: parameters.stepSeconds,
  });
  const count = combinations.length;
  const session = await openSweepSession({
    kind: 'walk-forward',
    parameters,
    id: sweepDigestId({
      kind: 'walk-forward',
      strategy: sweepStrategyDigest(parameters.strategy),
      grid: parameters.grid,
      fixed: parameters.fixed ?? {},
      data: parameters.data,
      from: parameters.from ?? null,
      to: parameters.to ?? null,
      rankBy,
      train: parameters.trainSeconds,
      test: parameters.testSeconds,
      step: parameters.stepSeconds ?? parameters.testSeconds,
    }),
    inputs: resumableInputs(parameters),
    threads: Math.min(workers, windows.length * count),
  });

  let trainRanked: SweepRunSummary[][];
  let tests: SweepRunSummary[];
  let results: WalkForwardWindowResult[];
  let inSample: WindowsAggregate;
  let outOfSample: WindowsAggregate;
  let elapsedMs: number;
  let workerCount: number;
  let sweepId: string | undefined;
  try {
    const trainTasks = windows.flatMap((window) => combinations.map((params, c) => session.task(window.index * count + c, params, window.train)));
    const trained = await session.run('train', trainTasks);
    // Per window, back to grid positions so ties break by grid order, then ranked.
    trainRanked = windows.map((window) =>
      rankResults(
        trained.slice(window.index * count, (window.index + 1) * count).map((summary, c) => ({ ...summary, index: c })),
        rankBy,
      ),
    );
    tests = await session.run('test', windows.map((window) => session.task(window.index, trainRanked[window.index]![0]!.params, window.test)));

    results = windows.map((window) => {
      const best = trainRanked[window.index]![0]!;
      const test = tests[window.index]!;
      return {
        ...window,
        best: { combination: best.index, params: best.params, value: rankValue(best, rankBy), runId: best.runId, metrics: best.metrics },
        outOfSample: { runId: test.runId, from: test.from, to: test.to, metrics: test.metrics },
      };
    });
    inSample = aggregateWindows(results.map((r) => r.best.metrics));
    outOfSample = aggregateWindows(results.map((r) => r.outOfSample.metrics));
    elapsedMs = performance.now() - started;
    workerCount = session.workers();

    sweepId = session.store((store, id) => {
      const rows: SweepResultRecord[] = [];
      for (const window of windows) {
        trainRanked[window.index]!.forEach((summary, position) => rows.push({ phase: 'train', window: window.index, rank: position + 1, summary }));
        const best = trainRanked[window.index]![0]!;
        rows.push({ phase: 'test', window: window.index, rank: 1, summary: { ...tests[window.index]!, index: best.index } });
      }
      store.save(
        {
          id,
          createdAt: clock.now(),
          kind: 'walk-forward',
          strategy,
          data: parameters.data,
          grid: parameters.grid,
          fixed: parameters.fixed ?? {},
          rankBy,
          from: parameters.from,
          to: parameters.to,
          trainSeconds: parameters.trainSeconds,
          testSeconds: parameters.testSeconds,
          workers: workerCount,
          combinations: count,
          rejected,
          elapsedMs,
          summary: { inSample, outOfSample },
        },
        rows,
      );
      return id;
    });
  } finally {
    await session.close();
  }
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
    combinations: count,
    rejected,
    trainSeconds: parameters.trainSeconds,
    testSeconds: parameters.testSeconds,
    windows: results,
    inSample,
    outOfSample,
    elapsedMs,
  };
}
