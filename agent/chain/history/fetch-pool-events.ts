import { getAbiItem, type PublicClient } from 'viem';
import { type Address, type Hex, toAddress } from '../../model/address.js';
import { nonfungiblePositionManagerAbi, uniswapV3PoolAbi } from '../generated/index.js';
import { type BlockRange, getLogsInChunks } from './get-logs-in-chunks.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import { type RpcRetryOptions, withRpcRetry } from './with-rpc-retry.js';

/** Where an event sits on the chain. */
export type PoolEventPosition = { blockNumber: bigint; logIndex: number };

/** The position manager's event for the same change: its log index and the position's NFT id. */
export type PositionLink = { logIndex: number; tokenId: bigint };

type Common = PoolEventPosition & { blockTimestamp: bigint; transactionHash: Hex; transactionIndex: number };

/** A pool event a history keeps: the four of the events layout, plus Initialize for the starting price. */
export type PoolEvent = Common &
  (
    | { type: 'SWAP'; sender: Address; recipient: Address; amount0: bigint; amount1: bigint; sqrtPriceX96: bigint; liquidity: bigint; tick: number }
    | { type: 'MINT'; sender: Address; owner: Address; tickLower: number; tickUpper: number; amount: bigint; amount0: bigint; amount1: bigint; position: PositionLink | undefined }
    | { type: 'BURN'; owner: Address; tickLower: number; tickUpper: number; amount: bigint; amount0: bigint; amount1: bigint; position: PositionLink | undefined }
    | { type: 'COLLECT'; owner: Address; recipient: Address; tickLower: number; tickUpper: number; amount0: bigint; amount1: bigint; position: PositionLink | undefined }
    | { type: 'INITIALIZE'; sqrtPriceX96: bigint; tick: number }
  );

export type PoolEventsChunk = BlockRange & { events: PoolEvent[] };

export type FetchPoolEventsParameters = BlockRange & {
  client: PublicClient;
  pool: Address;
  /**
   * The NonfungiblePositionManager whose IncreaseLiquidity / DecreaseLiquidity / Collect events give a
   * Mint, Burn or Collect its position id; without it those stay unlinked.
   */
  positionManager?: Address | undefined;
  /** Resume: only events after this position are returned. */
  after?: PoolEventPosition | undefined;
  initialRange?: bigint | undefined;
  maxRange?: bigint | undefined;
  retry?: RpcRetryOptions | undefined;
};

const poolEvents = [
  getAbiItem({ abi: uniswapV3PoolAbi, name: 'Initialize' }),
  getAbiItem({ abi: uniswapV3PoolAbi, name: 'Swap' }),
  getAbiItem({ abi: uniswapV3PoolAbi, name: 'Mint' }),
  getAbiItem({ abi: uniswapV3PoolAbi, name: 'Burn' }),
  getAbiItem({ abi: uniswapV3PoolAbi, name: 'Collect' }),
] as const;
const managerEvents = [
  getAbiItem({ abi: nonfungiblePositionManagerAbi, name: 'IncreaseLiquidity' }),
  getAbiItem({ abi: nonfungiblePositionManagerAbi, name: 'DecreaseLiquidity' }),
  getAbiItem({ abi: nonfungiblePositionManagerAbi, name: 'Collect' }),
] as const;

/** The manager's event that follows each pool event in the same call. */
const linkedEvent = { MINT: 'IncreaseLiquidity', BURN: 'DecreaseLiquidity', COLLECT: 'Collect' } as const;

type RawLog = {
  address: Address;
  blockNumber: bigint;
  blockTimestamp?: bigint | null | undefined;
  logIndex: number;
  transactionHash: Hex;
  transactionIndex: number;
  eventName: string;
  args: Record<string, unknown>;
};

/**
 * Fetches a Uniswap v3 pool's Initialize, Swap, Mint, Burn and Collect events over a block range, in
 * chain order, one chunk per eth_getLogs range (adaptive, retried: see getLogsInChunks). Each event gets
 * its block's timestamp (from the log when the node includes it, else from the block header) and, when
 * the pool event's owner is the position manager, the manager's matching event: the first
 * IncreaseLiquidity / DecreaseLiquidity / Collect it emits after the pool event and before the pool's next
 * event in that transaction (a Burn of 0 that only settles fees, before a Collect, has none). Both
 * contracts' logs come from the same eth_getLogs, so a chunk holds whole transactions.
 *
 * @example
 * for await (const { toBlock, events } of fetchPoolEvents({ client, pool, positionManager, fromBlock, toBlock: head })) {
 *   for (const event of events) console.log(event.type, event.blockNumber, event.logIndex);
 * }
 */
export async function* fetchPoolEvents(parameters: FetchPoolEventsParameters): AsyncGenerator<PoolEventsChunk> {
  const { client, pool, positionManager, retry, after } = parameters;
  const chunks = getLogsInChunks({
    fromBlock: parameters.fromBlock,
    toBlock: parameters.toBlock,
    initialRange: parameters.initialRange,
    maxRange: parameters.maxRange,
    retry,
    getLogs: async (range) =>
      (await client.getLogs({
        address: positionManager ? [pool, positionManager] : pool,
        events: positionManager ? [...poolEvents, ...managerEvents] : poolEvents,
        strict: true,
        ...range,
      })) as unknown as RawLog[],
  });
  for await (const chunk of chunks) {
    const logs = chunk.logs
      .map((log) => ({ ...log, address: toAddress(log.address) }))
      .sort((a, b) => (a.blockNumber !== b.blockNumber ? (a.blockNumber < b.blockNumber ? -1 : 1) : a.logIndex - b.logIndex));
    const times = await blockTimes(client, logs.filter((log) => log.address === pool), retry);
    const events: PoolEvent[] = [];
    const used = new Set<RawLog>();
    for (const [i, log] of logs.entries()) {
      if (log.address !== pool) continue;
      if (after && (log.blockNumber < after.blockNumber || (log.blockNumber === after.blockNumber && log.logIndex <= after.logIndex))) continue;
      const common = {
        blockNumber: log.blockNumber,
        logIndex: log.logIndex,
        blockTimestamp: times.get(log.blockNumber)!,
        transactionHash: log.transactionHash,
        transactionIndex: log.transactionIndex,
      };
      const args = log.args as never as PoolLogArgs;
      switch (log.eventName) {
        case 'Initialize':
          events.push({ ...common, type: 'INITIALIZE', sqrtPriceX96: args.sqrtPriceX96, tick: args.tick });
          break;
        case 'Swap':
          events.push({
            ...common,
            type: 'SWAP',
            sender: toAddress(args.sender),
            recipient: toAddress(args.recipient),
            amount0: args.amount0,
            amount1: args.amount1,
            sqrtPriceX96: args.sqrtPriceX96,
            liquidity: args.liquidity,
            tick: args.tick,
          });
          break;
        case 'Mint':
        case 'Burn': {
          const type = log.eventName === 'Mint' ? 'MINT' : 'BURN';
          const owner = toAddress(args.owner);
          const position = positionManager === owner ? link(logs, i, type, used) : undefined;
          const range = { tickLower: args.tickLower, tickUpper: args.tickUpper, amount: args.amount, amount0: args.amount0, amount1: args.amount1 };
          events.push(type === 'MINT' ? { ...common, type, sender: toAddress(args.sender), owner, ...range, position } : { ...common, type, owner, ...range, position });
          break;
        }
        case 'Collect': {
          const owner = toAddress(args.owner);
          events.push({
            ...common,
            type: 'COLLECT',
            owner,
            recipient: toAddress(args.recipient),
            tickLower: args.tickLower,
            tickUpper: args.tickUpper,
            amount0: args.amount0,
            amount1: args.amount1,
            position: positionManager === owner ? link(logs, i, 'COLLECT', used) : undefined,
          });
          break;
        }
      }
    }
    yield { fromBlock: chunk.fromBlock, toBlock: chunk.toBlock, events };
  }
}

type PoolLogArgs = {
  sender: string;
  recipient: string;
  owner: string;
  amount0: bigint;
  amount1: bigint;
  amount: bigint;
  sqrtPriceX96: bigint;
  liquidity: bigint;
  tick: number;
  tickLower: number;
  tickUpper: number;
  tokenId: bigint;
};

/** The manager's log that belongs to the pool log at `index` (see fetchPoolEvents), marked as used. */
function link(logs: readonly RawLog[], index: number, type: keyof typeof linkedEvent, used: Set<RawLog>): PositionLink | undefined {
  const poolLog = logs[index]!;
  for (let i = index + 1; i < logs.length; i++) {
    const log = logs[i]!;
    if (log.transactionHash !== poolLog.transactionHash || log.address === poolLog.address) return undefined;
    if (used.has(log)) continue;
    if (log.eventName !== linkedEvent[type]) return undefined;
    used.add(log);
    return { logIndex: log.logIndex, tokenId: (log.args as never as PoolLogArgs).tokenId };
  }
  return undefined;
}

/** Each block's timestamp: from the logs when the node includes it, else read from the header. */
async function blockTimes(client: PublicClient, logs: readonly RawLog[], retry: RpcRetryOptions | undefined): Promise<Map<bigint, bigint>> {
  const times = new Map<bigint, bigint>();
  for (const log of logs) if (typeof log.blockTimestamp === 'bigint') times.set(log.blockNumber, log.blockTimestamp);
  const missing = [...new Set(logs.map((log) => log.blockNumber))].filter((block) => !times.has(block));
  const read = await mapWithConcurrency(missing, 8, (blockNumber) =>
    withRpcRetry(`eth_getBlockByNumber ${blockNumber}`, () => client.getBlock({ blockNumber }), retry),
  );
  for (const block of read) times.set(block.number!, block.timestamp);
  return times;
}
