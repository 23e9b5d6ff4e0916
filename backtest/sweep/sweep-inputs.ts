import { availableParallelism } from 'node:os';
import { keccak256, toBytes } from 'viem';
import { canonicalJson } from '../../agent/model/canonical-json.js';
import type { Clock } from '../../agent/model/clock.js';
import { paramGrid, type ParamGridSpec } from '../../strategies/param-grid.js';
import type { AnyStrategyDefinition } from '../../strategies/define-strategy.js';
import type { CandleMode } from '../sources/ohlcv-csv-source.js';
import type { RankBy } from './rank-results.js';
import type { StrategyBundle } from './strategy-bundle.js';
import { SweepInputError } from './sweep-errors.js';
import type { SweepSettings } from './sweep-task.js';

/** What a plain sweep and a walk-forward both take. */
export type SweepParameters = {
  /** A built-in strategy name (workers look it up by name), or a bundle of the user's module (bundleStrategy). */
  strategy: string | StrategyBundle;
  /** For each param key, the values to try; the Cartesian product is run (strategies/param-grid.ts). */
  grid: Record<string, readonly unknown[]>;
  /** Values every combination gets (e.g. sizeQuote). */
  fixed?: Record<string, unknown> | undefined;
  /** A CSV path (Chainlink rounds, Uniswap events or OHLCV candles). */
  data: string;
  from?: number | undefined;
  to?: number | undefined;
  candles?: CandleMode | undefined;
  /** Config sections (risk, execution, backtest) every backtest uses; defaults as in the config schema. */
  settings?: SweepSettings | undefined;
  /** Worker threads. Default: all cores (os.availableParallelism()). Ignored with `queue`. */
  workers?: number | undefined;
  /** Default 'sharpe'. */
  rankBy?: RankBy | undefined;
  /** The SQLite file results go to; default .mandate/sweeps.sqlite; null stores nothing. */
  storePath?: string | null | undefined;
  /** Stamps the stored sweep's created_at. Default: the system clock. */
  clock?: Clock | undefined;
  /** Called as backtests finish: which phase, how many done of how many. */
  onProgress?: ((progress: SweepProgress) => void) | undefined;
  /** Run the backtests on `mandate worker` processes through Redis instead of worker threads. */
  queue?: SweepQueueOptions | undefined;
  /** Resume the pending sweep of this id (its finished backtests are not run again); see resumeSweep. */
  sweepId?: string | undefined;
  /** Told the sweep's id as soon as it has one (before any backtest runs), e.g. to say how to resume it. */
  onStart?: ((sweepId: string) => void) | undefined;
};

export type SweepQueueOptions = {
  /** redis://[user:password@]host:port[/db] or rediss://… (TLS). */
  url: string;
  /** Workers read the data at its absolute path (a shared filesystem) instead of from Redis. Default false. */
  sharedData?: boolean | undefined;
};

export type SweepProgress = { phase: 'grid' | 'train' | 'test'; done: number; total: number };

/** The grid expanded and checked, with the worker count resolved. */
export type ResolvedSweep = {
  combinations: Record<string, unknown>[];
  rejected: { params: Record<string, unknown>; reason: string }[];
  workers: number;
  rankBy: RankBy;
};

/**
 * Expands the grid through paramGrid (combinations the schema rejects are kept with their reason, not
 * run) and checks the worker count.
 *
 * @example
 * resolveSweep({ strategy: 'trend', grid: { fastPeriod: [5, 10] }, data: 'x.csv' }, trend).combinations.length; // 2
 */
export function resolveSweep(parameters: SweepParameters, definition: AnyStrategyDefinition): ResolvedSweep {
  const expanded = paramGrid(definition, parameters.grid as ParamGridSpec<typeof definition.params>, (parameters.fixed ?? {}) as never);
  const rejected = expanded.rejected.map(({ params, error }) => ({ params, reason: error.details ?? error.shortMessage }));
  if (expanded.combinations.length === 0) {
    throw new SweepInputError(
      'grid',
      `${expanded.rejected.length} combinations, all rejected by "${definition.name}" (first: ${rejected[0]?.reason ?? 'none'})`,
      'a grid with at least one valid combination is accepted',
    );
  }
  const workers = parameters.workers ?? availableParallelism();
  if (!Number.isSafeInteger(workers) || workers < 1) throw new SweepInputError('workers', String(workers), 'a whole number ≥ 1 is accepted');
  return { combinations: expanded.combinations as Record<string, unknown>[], rejected, workers, rankBy: parameters.rankBy ?? 'sharpe' };
}

/**
 * A sweep's id: 'sw-' and a digest of what was swept, so the same sweep is recognisable across runs
 * (the store adds -2, -3... when it runs again).
 *
 * @example
 * sweepDigestId({ kind: 'grid', strategy: 'trend', grid: { fastPeriod: [5, 10] } }); // 'sw-3f1c0a9b2e44'
 */
export function sweepDigestId(inputs: Record<string, unknown>): string {
  return `sw-${keccak256(toBytes(canonicalJson(inputs))).slice(2, 14)}`;
}
