import { MandateError } from '../model/base-error.js';
import { type ChainlinkCsvRound, readChainlinkRounds } from '../market/csv/chainlink-rounds.js';
import { sampleData } from '../market/sample-data.js';
import { createRoundValidator } from '../market/validate-round.js';

/** The sample ETH/USD history shipped in data/. */
export const defaultReplayCsvPath = sampleData.ethUsdRounds;

/** A CSV has no round that could be replayed. */
export class NoValidRoundsError extends MandateError {
  override name = 'NoValidRoundsError';
}

export type RejectedRound = { line: number; roundId?: bigint | undefined; reason: string; detail: string };

export type ReplayRounds = {
  /** The rounds to replay, oldest first, each with a positive answer and an updatedAt after the previous one. */
  rounds: ChainlinkCsvRound[];
  /** Every row that will not be replayed, and why. */
  rejected: RejectedRound[];
  /** Rejections counted by reason ('non-positive-answer', 'zero-updated-at', 'out-of-order', 'unparsable'...). */
  rejectedByReason: Record<string, number>;
};

/**
 * Reads a Chainlink rounds CSV and splits it into the rounds a replay may send to an aggregator and the
 * rows it must not (the shared file ends with an all-zero round). Rounds are validated with the same
 * validator live feeds use; a round whose updatedAt goes back in time is rejected as out-of-order too,
 * because chain time cannot be warped backwards.
 *
 * @example
 * const { rounds, rejectedByReason } = await loadReplayRounds('data/chainlink/eth-usd.csv');
 * // rejectedByReason: { 'non-positive-answer': 1 }
 */
export async function loadReplayRounds(path: string = defaultReplayCsvPath): Promise<ReplayRounds> {
  const { rounds: parsed, unparsable } = await readChainlinkRounds(path);
  const validator = createRoundValidator();
  const rounds: ChainlinkCsvRound[] = [];
  const rejected: RejectedRound[] = unparsable.map(({ line, reason }) => ({ line, reason: 'unparsable', detail: reason }));
  let lastUpdatedAt = -1n;
  for (const round of parsed) {
    // A replay has no "now" but the round's own time; nothing it replays is from the future.
    const check = validator.check(round, round.updatedAt);
    if (!check.ok) {
      rejected.push({ line: round.line, roundId: round.roundId, reason: check.reason, detail: check.detail });
      continue;
    }
    if (round.updatedAt < lastUpdatedAt) {
      rejected.push({
        line: round.line,
        roundId: round.roundId,
        reason: 'out-of-order',
        detail: `round ${round.roundId} has updatedAt ${round.updatedAt}, before the previous round's ${lastUpdatedAt}`,
      });
      continue;
    }
    lastUpdatedAt = round.updatedAt;
    rounds.push(round);
  }
  const rejectedByReason: Record<string, number> = {};
  for (const { reason } of rejected) rejectedByReason[reason] = (rejectedByReason[reason] ?? 0) + 1;
  if (rounds.length === 0) {
    throw new NoValidRoundsError(`No valid round to replay in ${path}.`, {
      details: `${rejected.length} rows rejected: ${JSON.stringify(rejectedByReason)}. A round needs answer > 0 and updatedAt > 0.`,
    });
  }
  return { rounds, rejected, rejectedByReason };
}
