import type { SchedulerLike } from 'rxjs';
import type { PublicClient } from 'viem';
import { createChainlinkSource, type ChainlinkFeed } from './chainlink-source.js';
import { createMarketStream, type MarketStreamParameters } from './create-market-stream.js';
import type { Address } from '../model/address.js';
import type { MarketLogger } from './market-source.js';
import { createUniswapPoolSource } from './uniswap-pool-source.js';

export type LiveMarketStreamParameters = {
  client: PublicClient;
  /** Chainlink feeds (proxy addresses), already resolved from the chain preset or the config. */
  feeds: readonly (Address | ChainlinkFeed)[];
  /** Uniswap v3 pool addresses, already resolved (computed from the factory or given). */
  pools: readonly Address[];
  /** The config's `market.source`: 'events' reads AnswerUpdated logs, 'polling' reads latestRoundData. Swaps always come from logs. */
  source: 'events' | 'polling';
  /** The config's `chain.confirmations`. */
  confirmations: number;
  /** The config's `market.pollIntervalMs`. */
  pollIntervalMs: number;
  /** Rounds older than this when seen are rejected as stale; default: no check here (the risk gate checks freshness). */
  maxAgeSeconds?: number | undefined;
  /** Start here instead of at the confirmed head (e.g. to replay from a block). */
  fromBlock?: bigint | undefined;
  toBlock?: bigint | undefined;
  logger?: MarketLogger | undefined;
  scheduler?: SchedulerLike | undefined;
} & Pick<MarketStreamParameters, 'backoff' | 'maxBlocksPerRange' | 'maxConsecutiveErrors'>;

/**
 * The market stream of a live agent, from the few settings `agent.config.ts` has: a Chainlink source
 * (events or polling) and a Uniswap v3 pool source on one client, merged into one ordered market$.
 *
 * @example
 * const { market$, stats } = createLiveMarketStream({
 *   client, feeds: [ethUsdProxy], pools: [usdcWeth500], source: config.market.source,
 *   confirmations: config.chain.confirmations, pollIntervalMs: config.market.pollIntervalMs, logger,
 * });
 */
export function createLiveMarketStream(parameters: LiveMarketStreamParameters) {
  const { client, logger } = parameters;
  const chainlink = createChainlinkSource({
    client,
    feeds: parameters.feeds,
    mode: parameters.source === 'polling' ? 'poll' : 'events',
    maxAgeSeconds: parameters.maxAgeSeconds,
    logger,
  });
  const pools = createUniswapPoolSource({ client, pools: parameters.pools, logger });
  const stream = createMarketStream({
    client,
    sources: [chainlink, pools],
    confirmations: parameters.confirmations,
    pollIntervalMs: parameters.pollIntervalMs,
    fromBlock: parameters.fromBlock,
    toBlock: parameters.toBlock,
    backoff: parameters.backoff,
    maxBlocksPerRange: parameters.maxBlocksPerRange,
    maxConsecutiveErrors: parameters.maxConsecutiveErrors,
    scheduler: parameters.scheduler,
    logger,
  });
  return { ...stream, sources: { chainlink, pools } };
}
