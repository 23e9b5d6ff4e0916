import { getAbiItem, type PublicClient } from 'viem';
import { MandateError } from '../../model/base-error.js';
import { toAddress } from '../../model/address.js';
import { uniswapV3FactoryAbi } from '../generated/index.js';
import type { PoolInfo } from './read-pool-info.js';
import { type RpcRetryOptions, RpcRangeError, describeRpcError, withRpcRetry } from './with-rpc-retry.js';

/** Neither the factory's log nor the chain's state tells when the pool was created. */
export class PoolCreationBlockError extends MandateError {
  override name = 'PoolCreationBlockError';
}

export type FindPoolCreationBlockParameters = {
  client: PublicClient;
  pool: PoolInfo;
  head: bigint;
  retry?: RpcRetryOptions | undefined;
};

export type FindPoolCreationBlockReturnType = { block: bigint; foundBy: 'PoolCreated' | 'code' };

const poolCreatedEvent = getAbiItem({ abi: uniswapV3FactoryAbi, name: 'PoolCreated' });

/**
 * The block the pool was created in. First the factory's PoolCreated log, asked for over the whole chain
 * in one eth_getLogs filtered by its indexed tokens and fee (a handful of logs, which most providers
 * serve); when the provider refuses that range, a binary search for the first block at which the pool has
 * code (about log2(head) eth_getCode calls, which need an archive node for old blocks).
 *
 * @example
 * const { block } = await findPoolCreationBlock({ client, pool: await readPoolInfo({ client, pool }), head });
 */
export async function findPoolCreationBlock(parameters: FindPoolCreationBlockParameters): Promise<FindPoolCreationBlockReturnType> {
  const { client, pool, head, retry } = parameters;
  try {
    const logs = await withRpcRetry(
      'eth_getLogs for PoolCreated',
      () =>
        client.getLogs({
          address: pool.factory,
          event: poolCreatedEvent,
          args: { token0: pool.token0, token1: pool.token1, fee: pool.fee },
          fromBlock: 0n,
          toBlock: head,
          strict: true,
        }),
      retry,
    );
    const created = logs.find((log) => toAddress(log.args.pool) === pool.address);
    if (created) return { block: created.blockNumber, foundBy: 'PoolCreated' };
  } catch (error) {
    if (!(error instanceof RpcRangeError)) throw error;
    if (retry?.stats) retry.stats.rangeSplits++;
  }
  return { block: await firstBlockWithCode(parameters), foundBy: 'code' };
}

async function firstBlockWithCode({ client, pool, head, retry }: FindPoolCreationBlockParameters): Promise<bigint> {
  const hasCode = async (blockNumber: bigint) => {
    try {
      const code = await withRpcRetry(`eth_getCode at block ${blockNumber}`, () => client.getCode({ address: pool.address, blockNumber }), retry);
      return code !== undefined && code !== '0x';
    } catch (error) {
      throw new PoolCreationBlockError(`Cannot find the block pool ${pool.address} was created in.`, {
        details: `The provider serves neither the factory's PoolCreated log over the whole chain nor the pool's code at block ${blockNumber} (${describeRpcError(error)}). Give --from-block.`,
        cause: error,
      });
    }
  };
  let low = 0n;
  let high = head;
  while (low < high) {
    const middle = (low + high) / 2n;
    if (await hasCode(middle)) high = middle;
    else low = middle + 1n;
  }
  return low;
}
