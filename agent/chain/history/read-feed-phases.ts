import type { PublicClient } from 'viem';
import { type Address, toAddress, zeroAddress } from '../../model/address.js';
import { MandateError } from '../../model/base-error.js';
import { chainlinkProxyAbi } from './chainlink-proxy-abi.js';
import { classifyRpcError } from './classify-rpc-error.js';
import { type RpcRetryOptions, withRpcRetry } from './with-rpc-retry.js';

/** The address answers none of AggregatorV3Interface: not a Chainlink feed. */
export class NotAFeedError extends MandateError {
  override name = 'NotAFeedError';
}

/** One aggregator of a feed; `phaseId` is undefined when the feed was given as a bare aggregator. */
export type FeedPhase = { phaseId: number | undefined; aggregator: Address; decimals: number };

export type FeedPhases = {
  /** The address given: a proxy (EACAggregatorProxy) or an aggregator. */
  address: Address;
  proxy: boolean;
  description: string;
  decimals: number;
  /** Oldest first. A proxy's phases that were never set (zero address) are left out. */
  phases: FeedPhase[];
};

export type ReadFeedPhasesParameters = { client: PublicClient; feed: Address; retry?: RpcRetryOptions | undefined };

/**
 * Reads what a history walk needs to know about a feed: its description and decimals, and, for a proxy,
 * every phase's aggregator (`phaseAggregators(1..phaseId())`, each with its own decimals). An address
 * without `phaseId()` is taken as a bare aggregator: one phase, round ids as it reports them.
 *
 * @example
 * const feed = await readFeedPhases({ client, feed: toAddress('0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419') });
 * feed.phases.map((phase) => phase.aggregator);
 */
export async function readFeedPhases(parameters: ReadFeedPhasesParameters): Promise<FeedPhases> {
  const { client, feed, retry } = parameters;
  // A function the contract does not have reverts: undefined, not an error.
  const read = async <T>(address: Address, functionName: 'description' | 'decimals' | 'phaseId' | 'phaseAggregators', what: string, args?: readonly [number]): Promise<T | undefined> => {
    try {
      return (await withRpcRetry(what, () => client.readContract({ address, abi: chainlinkProxyAbi, functionName, args } as never), retry)) as T;
    } catch (error) {
      if (classifyRpcError(error).kind === 'revert') return undefined;
      throw error;
    }
  };
  const [description, decimals, currentPhase] = await Promise.all([
    read<string>(feed, 'description', `${feed}.description()`),
    read<number>(feed, 'decimals', `${feed}.decimals()`),
    read<number>(feed, 'phaseId', `${feed}.phaseId()`),
  ]);
  if (decimals === undefined) {
    throw new NotAFeedError(`${feed} is not a Chainlink feed.`, {
      details: 'It does not answer decimals(). Give a price feed proxy (EACAggregatorProxy) or aggregator address, or a pair of the chain preset such as ETH/USD.',
    });
  }
  if (currentPhase === undefined) {
    return { address: feed, proxy: false, description: description ?? '', decimals, phases: [{ phaseId: undefined, aggregator: feed, decimals }] };
  }
  const ids = Array.from({ length: currentPhase }, (_, i) => i + 1);
  const phases = await Promise.all(
    ids.map(async (phaseId): Promise<FeedPhase | undefined> => {
      const raw = await read<string>(feed, 'phaseAggregators', `${feed}.phaseAggregators(${phaseId})`, [phaseId]);
      if (raw === undefined) {
        throw new NotAFeedError(`${feed} has phaseId() but no phaseAggregators(${phaseId}).`, {
          details: 'A Chainlink proxy (EACAggregatorProxy) has both; give the proxy of a price feed, or its current aggregator.',
        });
      }
      const aggregator = toAddress(raw, `phaseAggregators(${phaseId})`);
      if (aggregator === zeroAddress) return undefined;
      const own = await read<number>(aggregator, 'decimals', `${aggregator}.decimals()`);
      return { phaseId, aggregator, decimals: own ?? decimals };
    }),
  );
  return { address: feed, proxy: true, description: description ?? '', decimals, phases: phases.filter((phase) => phase !== undefined) };
}
