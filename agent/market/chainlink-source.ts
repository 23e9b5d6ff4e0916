import { parseAbi, type PublicClient } from 'viem';
import { MandateError } from '../model/base-error.js';
import { createBlockTimeReader } from './block-time-reader.js';
import { isContractRevert } from './is-contract-revert.js';
import { compareLogPosition } from './log-position.js';
import { toAddress, type Address } from '../model/address.js';
import type { OracleUpdate } from '../model/market-event.js';
import { silentMarketLogger, type MarketLogger, type MarketSource, type MarketSourceStats } from './market-source.js';
import { createRoundValidator, type ChainlinkRound, type RoundValidator } from './validate-round.js';

/** The Chainlink source was configured with something it cannot use. */
export class ChainlinkSourceConfigError extends MandateError {
  override name = 'ChainlinkSourceConfigError';
}

/** AggregatorV3Interface, the OCR aggregator's events, and the proxy's pointers to its aggregator. */
export const chainlinkFeedAbi = parseAbi([
  'function decimals() view returns (uint8)',
  'function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
  'function getRoundData(uint80 roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
  'function aggregator() view returns (address)',
  'function phaseId() view returns (uint16)',
  'event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)',
]);
const answerUpdatedEvent = chainlinkFeedAbi.find((item) => item.type === 'event' && item.name === 'AnswerUpdated')!;

export type ChainlinkFeed = {
  /** The feed's proxy (what consumers and the vault read) or its aggregator. */
  address: Address;
  /** Rounds older than this at the block they are seen in are rejected as stale; overrides the default. */
  maxAgeSeconds?: number | undefined;
};

export type ChainlinkSourceParameters = {
  client: PublicClient;
  feeds: readonly (Address | ChainlinkFeed)[];
  /**
   * 'poll' (default): read latestRoundData at the end of each block range the market stream processes,
   * so the poll cadence is the stream's; rounds skipped between two polls are read with getRoundData.
   * 'events': read the aggregators' AnswerUpdated logs, which places each round at its exact
   * (block, logIndex). Behind a proxy the logs come from the proxy's aggregator, followed across phase changes.
   */
  mode?: 'poll' | 'events' | undefined;
  /**
   * Poll mode: read at the end of each block range the stream processes ('range', the default: one read
   * per feed per poll interval, the gaps filled with getRoundData), or at every block of it ('block':
   * each round placed at the block that set it, one read per feed per block).
   */
  pollEvery?: 'range' | 'block' | undefined;
  /** Default max age for every feed, seconds; undefined = no staleness check. */
  maxAgeSeconds?: number | undefined;
  /** Poll mode: at most this many skipped rounds are fetched between two polls (the newest ones). Default 100. */
  maxBackfillRounds?: number | undefined;
  /** The source's name in stats and logs; default "chainlink". Give each source of a stream its own. */
  name?: string | undefined;
  logger?: MarketLogger | undefined;
};

type RoundData = readonly [bigint, bigint, bigint, bigint, bigint];

type FeedState = {
  address: Address;
  validator: RoundValidator;
  decimals?: number;
  /** Events mode: whether the address is a proxy, whose aggregator (one per phase) emits the logs. */
  isProxy?: boolean;
  /**
   * Events mode: every address whose AnswerUpdated logs belong to this feed, with the phase
   * bits to add to its round ids. A proxy gains an entry at each phase change; old ones stay so the
   * logs of a range spanning the change are all read.
   */
  logSources?: Map<Address, bigint>;
  /** The newest round id seen, accepted or not: a poll that sees it again is not a new round. */
  lastSeenRoundId?: bigint;
};

const toRound = ([roundId, answer, startedAt, updatedAt, answeredInRound]: RoundData): ChainlinkRound => ({
  roundId, answer, startedAt, updatedAt, answeredInRound,
});

/**
 * A live source of Chainlink rounds for the market stream: one OracleUpdate per new round of each feed,
 * validated with createRoundValidator (non-positive answers, updatedAt 0 or in the future, stale,
 * duplicate or reordered rounds are rejected, counted by reason and logged). `decimals()` is read once.
 *
 * @example
 * const chainlink = createChainlinkSource({ client, feeds: [ethUsdFeed], mode: 'events', maxAgeSeconds: 3600 });
 * const { market$ } = createMarketStream({ client, sources: [chainlink] });
 * chainlink.stats().rejectedByReason; // { 'non-positive-answer': 0, stale: 0, ... }
 */
export function createChainlinkSource(parameters: ChainlinkSourceParameters): MarketSource<ChainlinkSourceStats> {
  const { client } = parameters;
  const mode = parameters.mode ?? 'poll';
  if (mode !== 'poll' && mode !== 'events') {
    throw new ChainlinkSourceConfigError('Unknown Chainlink source mode.', { details: `Got ${JSON.stringify(mode)}; accepted: "poll" or "events".` });
  }
  if (parameters.feeds.length === 0) {
    throw new ChainlinkSourceConfigError('No Chainlink feeds given.', { details: 'Pass at least one feed address.' });
  }
  const maxBackfillRounds = parameters.maxBackfillRounds ?? 100;
  const pollEvery = parameters.pollEvery ?? 'range';
  if (pollEvery !== 'range' && pollEvery !== 'block') {
    throw new ChainlinkSourceConfigError('Unknown Chainlink pollEvery.', { details: `Got ${JSON.stringify(pollEvery)}; accepted: "range" or "block".` });
  }
  if (!Number.isInteger(maxBackfillRounds) || maxBackfillRounds < 0) {
    throw new ChainlinkSourceConfigError('Invalid maxBackfillRounds.', { details: `Got ${maxBackfillRounds}; accepted: an integer ≥ 0.` });
  }
  const logger = parameters.logger ?? silentMarketLogger;
  const blockTime = createBlockTimeReader(client);
  const feeds: FeedState[] = parameters.feeds.map((feed) => {
    const config = typeof feed === 'string' ? { address: feed } : feed;
    return {
      address: config.address,
      validator: createRoundValidator({ maxAgeSeconds: config.maxAgeSeconds ?? parameters.maxAgeSeconds }),
    };
  });
  const counters = { backfilledRounds: 0, missingRounds: 0 };

  const read = <T>(address: Address, functionName: 'decimals' | 'latestRoundData' | 'aggregator' | 'phaseId', blockNumber?: bigint) =>
    client.readContract({ address, abi: chainlinkFeedAbi, functionName, blockNumber }) as Promise<T>;

  /** A call that reverts is an answer (no such function, no data yet): undefined. RPC failures throw. */
  const orUndefined = async <T>(call: Promise<T>): Promise<T | undefined> => {
    try {
      return await call;
    } catch (error) {
      if (isContractRevert(error)) return undefined;
      throw error;
    }
  };

  /** A proxy's current aggregator and phase bits at `block`, or undefined for an address that is no proxy. */
  async function readPhase(address: Address, block: bigint): Promise<{ aggregator: Address; phaseOffset: bigint } | undefined> {
    const aggregator = await orUndefined(read<`0x${string}`>(address, 'aggregator', block));
    if (!aggregator) return undefined;
    const phaseId = await orUndefined(read<number>(address, 'phaseId', block));
    return { aggregator: toAddress(aggregator), phaseOffset: BigInt(phaseId ?? 0) << 64n };
  }

  async function resolveFeed(feed: FeedState, block: bigint): Promise<void> {
    if (feed.decimals !== undefined) return;
    const decimals = await read<number>(feed.address, 'decimals');
    let isProxy = false;
    const logSources = new Map<Address, bigint>([[feed.address, 0n]]);
    if (mode === 'events') {
      // A proxy forwards reads but its aggregator emits the logs, with round ids without the phase bits.
      const phase = await readPhase(feed.address, block);
      if (phase) {
        isProxy = true;
        logSources.clear();
        logSources.set(phase.aggregator, phase.phaseOffset);
      }
    }
    Object.assign(feed, { decimals, isProxy, logSources });
  }

  /** Validates rounds (synchronously, after every read succeeded) and turns the accepted ones into events. */
  function accept(feed: FeedState, round: ChainlinkRound, now: bigint, block: bigint, logIndex?: number): OracleUpdate | undefined {
    if (feed.lastSeenRoundId === undefined || round.roundId > feed.lastSeenRoundId) feed.lastSeenRoundId = round.roundId;
    const check = feed.validator.check(round, now);
    if (!check.ok) {
      logger.warn({ feed: feed.address, roundId: round.roundId.toString(), reason: check.reason, block: block.toString() }, `Rejected Chainlink round: ${check.detail}`);
      return undefined;
    }
    return {
      kind: 'oracle',
      feed: feed.address,
      roundId: round.roundId,
      answer: round.answer,
      decimals: feed.decimals!,
      updatedAt: round.updatedAt,
      time: Number(round.updatedAt),
      block,
      logIndex,
    };
  }

  /**
   * Reads latestRoundData of every feed at each of `blocks` and publishes the rounds not seen before.
   * Rounds that fell between two reads (same phase, ids in between) are read back with getRoundData at
   * the block where the gap was seen. All reads happen before any state changes, so a failed read
   * leaves the source as it was and the range can be read again.
   */
  async function poll(blocks: readonly bigint[], backfill: boolean): Promise<OracleUpdate[]> {
    const [times, latest] = await Promise.all([
      Promise.all(blocks.map((block) => blockTime(block))),
      Promise.all(feeds.map((feed) => Promise.all(blocks.map((block) => orUndefined(read<RoundData>(feed.address, 'latestRoundData', block)))))),
    ]);

    // Plan, without touching any state: the new rounds of each feed in block order, and the gaps to fill.
    type Step = { blockIndex: number; round: ChainlinkRound; gap: bigint[]; unreachable: bigint };
    const plans = feeds.map((feed, f) => {
      let last = feed.lastSeenRoundId;
      const steps: Step[] = [];
      latest[f]!.forEach((data, blockIndex) => {
        if (!data) return; // no round yet
        const round = toRound(data);
        if (round.roundId === last) return; // unchanged since the last read
        const gap: bigint[] = [];
        let unreachable = 0n;
        // Round ids count up by one within a phase (the top bits); across phases there is nothing to fill.
        if (backfill && last !== undefined && round.roundId > last + 1n && round.roundId >> 64n === last >> 64n) {
          const window = BigInt(maxBackfillRounds);
          const first = round.roundId - window > last ? round.roundId - window : last + 1n;
          unreachable = first - last - 1n;
          for (let id = first; id < round.roundId; id++) gap.push(id);
        }
        steps.push({ blockIndex, round, gap, unreachable });
        if (last === undefined || round.roundId > last) last = round.roundId;
      });
      return steps;
    });

    const filled = await Promise.all(
      plans.map((steps, f) =>
        Promise.all(
          steps.map((step) =>
            Promise.all(
              step.gap.map((roundId) =>
                orUndefined(
                  client.readContract({ address: feeds[f]!.address, abi: chainlinkFeedAbi, functionName: 'getRoundData', args: [roundId], blockNumber: blocks[step.blockIndex]! }),
                ),
              ),
            ),
          ),
        ),
      ),
    );

    // Every read succeeded: validate and publish, synchronously.
    const events: OracleUpdate[] = [];
    plans.forEach((steps, f) => {
      const feed = feeds[f]!;
      steps.forEach((step, s) => {
        const block = blocks[step.blockIndex]!;
        const readBack = filled[f]![s]!.filter((data): data is RoundData => data !== undefined).map(toRound);
        const missing = step.unreachable + BigInt(step.gap.length - readBack.length);
        counters.backfilledRounds += readBack.length;
        counters.missingRounds += Number(missing);
        if (missing > 0n) {
          logger.warn({ feed: feed.address, missing: Number(missing), block: block.toString() }, 'Chainlink rounds fell between two polls and could not be read back');
        }
        for (const round of [...readBack, step.round]) {
          const event = accept(feed, round, BigInt(times[step.blockIndex]!), block);
          if (event) events.push(event);
        }
      });
    });
    return events;
  }

  async function readAnswerUpdatedLogs(fromBlock: bigint, toBlock: bigint): Promise<OracleUpdate[]> {
    // A proxy may have moved to a new aggregator (a new phase) within the range: watch both.
    const phases = await Promise.all(feeds.map((feed) => (feed.isProxy ? readPhase(feed.address, toBlock) : undefined)));
    const sources = feeds.map((feed, f) => {
      const known = new Map(feed.logSources!);
      const phase = phases[f];
      if (phase) known.set(phase.aggregator, phase.phaseOffset);
      return known;
    });
    const logs = (
      await client.getLogs({
        address: [...new Set(sources.flatMap((known) => [...known.keys()]))],
        event: answerUpdatedEvent,
        fromBlock,
        toBlock,
        strict: true,
      })
    ).sort((a, b) => compareLogPosition({ block: a.blockNumber, logIndex: a.logIndex }, { block: b.blockNumber, logIndex: b.logIndex })); // the validator needs rounds in chain order
    // Nodes that put the block time on each log (recent geth, anvil) save a getBlock per block.
    for (const log of logs) if (log.blockTimestamp != null) blockTime.remember(log.blockNumber, Number(log.blockTimestamp));
    const times = new Map<bigint, number>();
    await Promise.all(
      [...new Set(logs.map((log) => log.blockNumber))].map(async (block) => times.set(block, await blockTime(block))),
    );
    feeds.forEach((feed, f) => (feed.logSources = sources[f]!));
    const byLogAddress = new Map(feeds.flatMap((feed) => [...feed.logSources!].map(([address, phaseOffset]) => [address, { feed, phaseOffset }] as const)));
    const events: OracleUpdate[] = [];
    for (const log of logs) {
      if (log.removed) continue;
      // RPC logs carry lower-case addresses: normalised here, they match the feeds' own.
      const source = byLogAddress.get(toAddress(log.address));
      if (!source) continue;
      const { feed, phaseOffset } = source;
      const updatedAt = log.args.updatedAt;
      const round: ChainlinkRound = {
        roundId: phaseOffset + log.args.roundId,
        answer: log.args.current,
        startedAt: updatedAt,
        updatedAt,
        answeredInRound: phaseOffset + log.args.roundId,
      };
      const event = accept(feed, round, BigInt(times.get(log.blockNumber)!), log.blockNumber, log.logIndex);
      if (event) events.push(event);
    }
    return events;
  }

  return {
    name: parameters.name ?? 'chainlink',
    async start(block) {
      await Promise.all(feeds.map((feed) => resolveFeed(feed, block)));
      return poll([block], false);
    },
    async readRange(fromBlock, toBlock) {
      if (mode === 'events') return readAnswerUpdatedLogs(fromBlock, toBlock);
      const blocks: bigint[] = [];
      if (pollEvery === 'block') for (let block = fromBlock; block <= toBlock; block++) blocks.push(block);
      else blocks.push(toBlock);
      return poll(blocks, true);
    },
    stats() {
      const rejectedByReason: Record<string, number> = {};
      let accepted = 0;
      let rejected = 0;
      const perFeed: ChainlinkSourceStats['feeds'] = {};
      for (const feed of feeds) {
        const stats = feed.validator.stats();
        accepted += stats.accepted;
        rejected += stats.rejected;
        for (const [reason, count] of Object.entries(stats.byReason)) rejectedByReason[reason] = (rejectedByReason[reason] ?? 0) + count;
        perFeed[feed.address] = {
          decimals: feed.decimals,
          lastRoundId: feed.lastSeenRoundId,
          accepted: stats.accepted,
          rejected: stats.rejected,
          rejectedByReason: stats.byReason,
        };
      }
      return { mode, accepted, rejected, rejectedByReason, ...counters, feeds: perFeed };
    },
  };
}

export type ChainlinkSourceStats = MarketSourceStats & {
  mode: 'poll' | 'events';
  /** Rounds published. */
  accepted: number;
  /** Rounds rejected, all reasons. */
  rejected: number;
  /** Poll mode: rounds read back with getRoundData because they fell between two polls. */
  backfilledRounds: number;
  /** Poll mode: rounds that fell between two polls and could not be read back (beyond maxBackfillRounds). */
  missingRounds: number;
  feeds: Record<
    Address,
    { decimals: number | undefined; lastRoundId: bigint | undefined; accepted: number; rejected: number; rejectedByReason: Record<string, number> }
  >;
};
