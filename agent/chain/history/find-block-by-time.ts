import type { PublicClient } from 'viem';
import { type RpcRetryOptions, withRpcRetry } from './with-rpc-retry.js';

export type FindBlockByTimeParameters = {
  client: PublicClient;
  /** Unix seconds. */
  time: number;
  /** The newest block to consider (the head when the fetch started). */
  head: bigint;
  retry?: RpcRetryOptions | undefined;
};

/**
 * The first block whose timestamp is at or after `time`, by binary search over block headers (which every
 * node serves, archive or not): about log2(head) reads. `head + 1` when every block is older.
 *
 * @example
 * const fromBlock = await findFirstBlockAtOrAfter({ client, time: Date.parse('2024-01-05') / 1000, head });
 */
export async function findFirstBlockAtOrAfter(parameters: FindBlockByTimeParameters): Promise<bigint> {
  const { client, time, retry } = parameters;
  const target = BigInt(time);
  let low = 0n;
  let high = parameters.head + 1n;
  while (low < high) {
    const middle = (low + high) / 2n;
    const { timestamp } = await withRpcRetry(`eth_getBlockByNumber ${middle}`, () => client.getBlock({ blockNumber: middle }), retry);
    if (timestamp >= target) high = middle;
    else low = middle + 1n;
  }
  return low;
}
