import type { FeedRound } from '../../chain/history/walk-feed-rounds.js';
import { chainlinkRoundColumns } from './chainlink-rounds.js';

/**
 * The columns `mandate data fetch chainlink` writes: the Chainlink rounds layout the readers take
 * (see data/README.md), plus the answer's decimals on every row, so a file says what its numbers mean.
 */
export const fetchedChainlinkRoundColumns = [...chainlinkRoundColumns, 'decimals'] as const;

/**
 * One row of a fetched rounds file, in the order of fetchedChainlinkRoundColumns.
 *
 * @example
 * formatChainlinkRound(round); // '110680464442257320802,229750276106,1706558123,1706558123,110680464442257320802,8'
 */
export function formatChainlinkRound(round: FeedRound): string {
  return `${round.roundId},${round.answer},${round.startedAt},${round.updatedAt},${round.answeredInRound},${round.decimals}`;
}
