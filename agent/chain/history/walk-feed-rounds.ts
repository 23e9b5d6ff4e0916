import type { PublicClient } from 'viem';
import { type Address, toAddress } from '../../model/address.js';
import { answerUpdatedEvent, chainlinkProxyAbi } from './chainlink-proxy-abi.js';
import { classifyRpcError } from './classify-rpc-error.js';
import { type BlockRange, getLogsInChunks } from './get-logs-in-chunks.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import type { FeedPhases } from './read-feed-phases.js';
import { type RpcRetryOptions, withRpcRetry } from './with-rpc-retry.js';

/** A round as the feed serves it: through a proxy, ids carry the phase in their top 16 bits. */
export type FeedRound = {
  roundId: bigint;
  answer: bigint;
  startedAt: bigint;
  updatedAt: bigint;
  answeredInRound: bigint;
  decimals: number;
  /** The block of the round's AnswerUpdated log. */
  blockNumber: bigint;
};

/** Rounds a walk saw but did not return, by reason. */
export type SkippedRounds = {
  /**
   * Rounds of an older phase reported after a newer phase's first round: the proxy no longer served them
   * as its latest answer, and keeping them would put later round ids before earlier times.
   */
  overlap: number;
  /** Round ids at or below one already returned (or `after`): a log seen twice, or a resumed walk. */
  repeated: number;
  /** getRoundData reverted for an id a log announced. */
  unreadable: number;
};

export type FeedRoundsChunk = BlockRange & { rounds: FeedRound[]; skipped: SkippedRounds };

export type WalkFeedRoundsParameters = BlockRange & {
  client: PublicClient;
  feed: FeedPhases;
  /** Resume: only rounds with a larger id are returned (the last id already written). */
  after?: bigint | undefined;
  initialRange?: bigint | undefined;
  maxRange?: bigint | undefined;
  retry?: RpcRetryOptions | undefined;
  /** getRoundData calls in flight. Default 8. */
  concurrency?: number | undefined;
};

const PHASE_OFFSET = 64n;
const AGGREGATOR_ROUND_MASK = (1n << PHASE_OFFSET) - 1n;

/**
 * Walks a Chainlink feed's rounds over a block range, oldest first, across the proxy's phases: the
 * AnswerUpdated logs of every phase aggregator (one chunked eth_getLogs, adaptive ranges) say which rounds
 * exist and when, so a phase that starts above round 1 or has gaps costs nothing; each round is then read
 * by id with getRoundData, through the proxy with the phase in the id's top 16 bits
 * (`phaseId << 64 | aggregator round`), exactly as consumers read it. A bare aggregator is read directly,
 * with its ids as it reports them. Yields once per log range, so the caller can persist progress.
 *
 * @example
 * for await (const { toBlock, rounds } of walkFeedRounds({ client, feed, fromBlock: 0n, toBlock: head })) {
 *   for (const round of rounds) console.log(round.roundId, round.answer);
 * }
 */
export async function* walkFeedRounds(parameters: WalkFeedRoundsParameters): AsyncGenerator<FeedRoundsChunk> {
  const { client, feed, retry } = parameters;
  const phaseOf = new Map(feed.phases.map((phase) => [phase.aggregator, phase]));
  let lastId = parameters.after ?? -1n;
  let newestPhase = feed.proxy && parameters.after !== undefined ? Number(parameters.after >> PHASE_OFFSET) : 0;
  const chunks = getLogsInChunks({
    fromBlock: parameters.fromBlock,
    toBlock: parameters.toBlock,
    initialRange: parameters.initialRange,
    maxRange: parameters.maxRange,
    retry,
    getLogs: (range) =>
      client.getLogs({ address: feed.phases.map((phase) => phase.aggregator), event: answerUpdatedEvent, strict: true, ...range }),
  });
  for await (const chunk of chunks) {
    const skipped: SkippedRounds = { overlap: 0, repeated: 0, unreadable: 0 };
    const logs = [...chunk.logs].sort((a, b) => (a.blockNumber !== b.blockNumber ? (a.blockNumber < b.blockNumber ? -1 : 1) : a.logIndex - b.logIndex));
    const wanted: { roundId: bigint; decimals: number; blockNumber: bigint }[] = [];
    for (const log of logs) {
      const phase = phaseOf.get(toAddress(log.address))!;
      let roundId = log.args.roundId;
      if (feed.proxy) {
        if (phase.phaseId! < newestPhase) {
          skipped.overlap++;
          continue;
        }
        newestPhase = phase.phaseId!;
        roundId = (BigInt(phase.phaseId!) << PHASE_OFFSET) | (roundId & AGGREGATOR_ROUND_MASK);
      }
      if (roundId <= lastId) {
        skipped.repeated++;
        continue;
      }
      lastId = roundId;
      wanted.push({ roundId, decimals: phase.decimals, blockNumber: log.blockNumber });
    }
    const read = await mapWithConcurrency(wanted, parameters.concurrency ?? 8, (round) => readRound(client, feed.address, round, retry));
    const rounds = read.filter((round) => round !== undefined);
    skipped.unreadable = read.length - rounds.length;
    yield { fromBlock: chunk.fromBlock, toBlock: chunk.toBlock, rounds, skipped };
  }
}

async function readRound(
  client: PublicClient,
  address: Address,
  round: { roundId: bigint; decimals: number; blockNumber: bigint },
  retry: RpcRetryOptions | undefined,
): Promise<FeedRound | undefined> {
  try {
    const [roundId, answer, startedAt, updatedAt, answeredInRound] = await withRpcRetry(
      `getRoundData(${round.roundId})`,
      () => client.readContract({ address, abi: chainlinkProxyAbi, functionName: 'getRoundData', args: [round.roundId] }),
      retry,
    );
    return { roundId, answer, startedAt, updatedAt, answeredInRound, decimals: round.decimals, blockNumber: round.blockNumber };
  } catch (error) {
    if (classifyRpcError(error).kind === 'revert') return undefined;
    throw error;
  }
}
