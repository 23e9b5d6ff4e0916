import type { BacktestMetrics } from '../metrics.js';
import { SweepInputError } from './sweep-errors.js';
import type { SweepRunSummary } from './sweep-task.js';

/** How a sweep ranks its runs, with the metric each reads and which way is better. */
export const rankMetrics = {
  sharpe: { metric: 'sharpe', better: 'higher' },
  sortino: { metric: 'sortino', better: 'higher' },
  return: { metric: 'totalReturn', better: 'higher' },
  cagr: { metric: 'cagr', better: 'higher' },
  'max-drawdown': { metric: 'maxDrawdown', better: 'lower' },
  'win-rate': { metric: 'winRate', better: 'higher' },
  'final-equity': { metric: 'finalEquity', better: 'higher' },
} as const satisfies Record<string, { metric: keyof BacktestMetrics; better: 'higher' | 'lower' }>;

export type RankBy = keyof typeof rankMetrics;

/** The names `--rank-by` accepts. */
export const rankByNames = Object.keys(rankMetrics) as RankBy[];

/**
 * Checks a --rank-by value.
 *
 * @example
 * parseRankBy('sharpe'); // 'sharpe'
 * parseRankBy('profit'); // throws SweepInputError naming the accepted values
 */
export function parseRankBy(value: string): RankBy {
  if (value in rankMetrics) return value as RankBy;
  throw new SweepInputError('rank-by', `"${value}"`, `one of ${rankByNames.join(', ')} is accepted`);
}

/** The value a run is ranked by (undefined when the metric is: e.g. Sharpe with no variance). */
export function rankValue(summary: SweepRunSummary, rankBy: RankBy): number | undefined {
  const value = summary.metrics[rankMetrics[rankBy].metric] as number | undefined;
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

/**
 * Orders runs best first by the metric; runs whose metric is undefined (no trades, no variance) come last;
 * ties keep grid order, so the ranking is deterministic.
 *
 * @example
 * rankResults(summaries, 'sharpe')[0]; // the best Sharpe
 */
export function rankResults(summaries: readonly SweepRunSummary[], rankBy: RankBy): SweepRunSummary[] {
  const sign = rankMetrics[rankBy].better === 'higher' ? -1 : 1;
  return [...summaries].sort((a, b) => {
    const x = rankValue(a, rankBy);
    const y = rankValue(b, rankBy);
    if (x === undefined || y === undefined) {
      if (x === undefined && y === undefined) return a.index - b.index;
      return x === undefined ? 1 : -1;
    }
    return x === y ? a.index - b.index : sign * (x - y);
  });
}
