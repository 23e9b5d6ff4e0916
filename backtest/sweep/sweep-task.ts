import { keccak256, toBytes } from 'viem';
import type { MandateConfigInput } from '../../agent/config/config-schema.js';
import { canonicalJson } from '../../agent/model/canonical-json.js';
import type { BacktestMetrics } from '../metrics.js';
import { runBacktest } from '../run-backtest.js';
import type { CandleMode } from '../sources/ohlcv-csv-source.js';
import { packageIdentity } from '../../agent/model/package-identity.js';
import { loadSweepStrategy, type SweepStrategy } from './strategy-bundle.js';
import { SweepInputError } from './sweep-errors.js';

/** The config sections every backtest of a sweep runs with. */
export type SweepSettings = Pick<MandateConfigInput, 'risk' | 'execution' | 'backtest'>;

/**
 * One backtest of a sweep, as plain data so it can cross to a worker thread or through Redis to another
 * machine: the strategy (a built-in name, or a bundle already written on this machine), params already
 * validated by paramGrid, and the data by name and content hash.
 */
export type SweepTask = {
  /** Position in the batch; results come back in this order whatever worker ran them. */
  index: number;
  strategy: SweepStrategy;
  params: Record<string, unknown>;
  /** The data file as the user named it: the run id and the output name it so on every machine. */
  data: string;
  /** Where this machine reads the data when not at `data` (a worker's copy of it). */
  dataFile?: string | undefined;
  /** sha256 of the data file's bytes. */
  dataHash: string;
  /** sweepConfigDigest(settings), checked before running. */
  configDigest: string;
  from?: number | undefined;
  to?: number | undefined;
  candles?: CandleMode | undefined;
  settings?: SweepSettings | undefined;
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
  /** sha256 of the data file the backtest read. */
  dataHash: string;
  /** keccak256 of the canonical JSON of the config sections it ran with. */
  configDigest: string;
  /** The Mandate version that ran it. */
  version: string;
};

/**
 * The digest of the config sections a sweep's backtests run with (keccak256 of their canonical JSON).
 *
 * @example
 * sweepConfigDigest({ backtest: { initialCapitalUsd: '10000' } }); // '0x…'
 */
export function sweepConfigDigest(settings: SweepSettings | undefined): string {
  return keccak256(toBytes(canonicalJson(settings ?? {})));
}

/**
 * Runs one sweep task through runBacktest (rules reasoner, in-memory journal) and keeps its summary.
 *
 * @example
 * const summary = await runSweepTask({ index: 0, strategy: 'trend', params: { fastPeriod: 5 }, data: 'eth-usd.csv', dataHash, configDigest: sweepConfigDigest(undefined) });
 * summary.metrics.sharpe;
 */
export async function runSweepTask(task: SweepTask): Promise<SweepRunSummary> {
  const configDigest = sweepConfigDigest(task.settings);
  if (configDigest !== task.configDigest) {
    throw new SweepInputError('config digest', `${task.configDigest} for settings that digest to ${configDigest}`, 'a task whose settings match its digest is accepted');
  }
  const result = await runBacktest({
    strategy: typeof task.strategy === 'string' ? task.strategy : await loadSweepStrategy(task.strategy),
    params: task.params,
    // The run id digests the data's content, not its path: a worker's copy gives the same run as the user's file.
    data: task.dataFile ?? task.data,
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
    dataHash: task.dataHash,
    configDigest,
    version: packageIdentity().version,
  };
}
