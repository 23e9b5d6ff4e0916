import type { PublicClient } from 'viem';

/**
 * Reads block timestamps (unix seconds) and remembers the most recent ones, because every log of a
 * block needs its time and RPC logs do not always carry it.
 *
 * @example
 * const blockTime = createBlockTimeReader(client);
 * const seconds = await blockTime(19_000_000n);
 */
export function createBlockTimeReader(client: PublicClient, options: { cacheSize?: number } = {}) {
  const cacheSize = options.cacheSize ?? 1_024;
  const cache = new Map<bigint, number>();
  const remember = (block: bigint, time: number) => {
    cache.set(block, time);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
  };
  const read = async (block: bigint): Promise<number> => {
    const known = cache.get(block);
    if (known !== undefined) return known;
    const { timestamp } = await client.getBlock({ blockNumber: block });
    const time = Number(timestamp);
    remember(block, time);
    return time;
  };
  /** Records a time already known (from a log's blockTimestamp), saving a request. */
  read.remember = remember;
  return read;
}
export type BlockTimeReader = ReturnType<typeof createBlockTimeReader>;
