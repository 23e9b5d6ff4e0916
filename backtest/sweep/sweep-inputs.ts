import { availableParallelism } from 'node:os';
import { keccak256, toBytes } from 'viem';
import type { MandateConfigInput } from '../../agent/config/config-schema.js';
import { canonicalJson } from '../../agent/model/canonical-json.js';
import type { Clock } from '../../agent/model/clock.js';
import { paramGrid, type ParamGridSpec } from '../../strategies/param-grid.js';
import { getBuiltinStrategy } from '../../strategies/registry.js';
import type { CandleMode } from '../sources/ohlcv-csv-source.js';
import type { RankBy } from './rank-results.js';
import { SweepInputError } from './sweep-errors.js';

/** What a plain sweep and a walk-forward both take. */
export type SweepParameters = {
  /** A built-in strategy name (workers look it up by name). */
  strategy: string;
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
  settings?: Pick<MandateConfigInput, 'risk' | 'execution' | 'backtest'> | undefined;
  /** Worker threads. Default: all cores (os.availableParallelism()). */
  workers?: number | undefined;
  /** Default 'sharpe'. */
  rankBy?: RankBy | undefined;
  /** The SQLite file results go to; default .mandate/sweeps.sqlite; null stores nothing. */
  storePath?: string | null | undefined;
  /** Stamps the stored sweep's created_at. Default: the system clock. */
  clock?: Clock | undefined;
  /** Called as backtests finish: which phase, how many done of how many. */
  onProgress?: ((progress: SweepProgress) => void) | undefined;
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
 * resolveSweep({ strategy: 'trend', grid: { fastPeriod: [5, 10] }, data: 'x.csv' }).combinations.length; // 2
 */
export function resolveSweep(parameters: SweepParameters): ResolvedSweep {
  const definition = getBuiltinStrategy(parameters.strategy);
  const expanded = paramGrid(definition, parameters.grid as ParamGridSpec<typeof definition.params>, (parameters.fixed ?? {}) as never);
  const rejected = expanded.rejected.map(({ params, error }) => ({ params, reason: error.details ?? error.shortMessage }));
  if (expanded.combinations.length === 0) {
    throw new SweepInputError(
      'grid',
      `${expanded.rejected.length} combinations, all rejected by "${parameters.strategy}" (first: ${rejected[0]?.reason ?? 'none'})`,
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
