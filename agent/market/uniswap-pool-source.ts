import { parseAbi, type PublicClient } from 'viem';
import { MandateError } from '../model/base-error.js';
import { createBlockTimeReader } from './block-time-reader.js';
import { decodePoolLog, PoolLogDecodeError, swapToPoolUpdate } from './decode-swap-log.js';
import { compareLogPosition, STATE_READ_LOG_INDEX } from './log-position.js';
import { liquidityAfterPositionChange } from './pool-liquidity.js';
import { toAddress, type Address, type Hex } from '../model/address.js';
import type { PoolUpdate } from '../model/market-event.js';
import { silentMarketLogger, type MarketLogger, type MarketSource, type MarketSourceStats } from './market-source.js';

/** The pool source was configured with something it cannot use. */
export class UniswapPoolSourceConfigError extends MandateError {
  override name = 'UniswapPoolSourceConfigError';
}

const poolStateAbi = parseAbi([
  'function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16 observationIndex, uint16 observationCardinality, uint16 observationCardinalityNext, uint8 feeProtocol, bool unlocked)',
  'function liquidity() view returns (uint128)',
]);

export type UniswapPoolSourceParameters = {
  client: PublicClient;
  /** The Uniswap v3 pools to follow. */
  pools: readonly Address[];
  /**
   * Also publish a PoolUpdate (same price, new liquidity, no amounts) when a Mint or Burn changes the
   * pool's active liquidity, so the state strategies read stays exact between swaps. Default true.
   */
  liquidityUpdates?: boolean | undefined;
  /** The source's name in stats and logs; default "uniswap-v3". Give each source of a stream its own. */
  name?: string | undefined;
  logger?: MarketLogger | undefined;
};

/**
 * A live source of Uniswap v3 pool prices for the market stream: the pool's slot0 and liquidity at the
 * start block (one PoolUpdate per pool, placed after every log of that block), then a PoolUpdate per
 * Swap log, read with getLogs over each block range, and one per Mint or Burn that changes the active
 * liquidity (`amount0`/`amount1` undefined: not a swap). Every other pool log (Collect, Flash...) is
 * decoded and counted, not silently dropped; a log that does not decode is counted and logged.
 *
 * @example
 * const pools = createUniswapPoolSource({ client, pools: [toAddress('0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640')] });
 * const { market$ } = createMarketStream({ client, sources: [pools] });
 */
export function createUniswapPoolSource(parameters: UniswapPoolSourceParameters): MarketSource<UniswapPoolSourceStats> {
  const { client } = parameters;
  if (parameters.pools.length === 0) {
    throw new UniswapPoolSourceConfigError('No Uniswap v3 pools given.', { details: 'Pass at least one pool address.' });
  }
  const pools = [...parameters.pools];
  const logger = parameters.logger ?? silentMarketLogger;
  const blockTime = createBlockTimeReader(client);
  const logsByEvent: Record<string, number> = {};
  const rejectedByReason: Record<string, number> = { undecodable: 0, removed: 0 };
  let swaps = 0;
  let liquidityChanges = 0;
  const liquidityUpdates = parameters.liquidityUpdates ?? true;
  // The last published state per pool: a Mint or Burn changes its liquidity only if in range of its tick.
  const lastState = new Map<Address, PoolUpdate>();

  return {
    name: parameters.name ?? 'uniswap-v3',
    async start(block) {
      const [time, states] = await Promise.all([
        blockTime(block),
        Promise.all(
          pools.map(async (pool) => {
            const [slot0, liquidity] = await Promise.all([
              client.readContract({ address: pool, abi: poolStateAbi, functionName: 'slot0', blockNumber: block }),
              client.readContract({ address: pool, abi: poolStateAbi, functionName: 'liquidity', blockNumber: block }),
            ]);
            return { pool, sqrtPriceX96: slot0[0], tick: slot0[1], liquidity };
          }),
        ),
      ]);
      const updates = states.map((state): PoolUpdate => ({ kind: 'pool', ...state, block, logIndex: STATE_READ_LOG_INDEX, time }));
      for (const update of updates) lastState.set(update.pool, update);
      return updates;
    },
    async readRange(fromBlock, toBlock) {
      // In chain order whatever the node returned: Mints and Burns are applied to the state before them.
      const logs = (await client.getLogs({ address: pools, fromBlock, toBlock })).sort((a, b) =>
        compareLogPosition({ block: a.blockNumber!, logIndex: a.logIndex! }, { block: b.blockNumber!, logIndex: b.logIndex! }),
      );
      // Nodes that put the block time on each log (recent geth, anvil) save a getBlock per block.
      for (const log of logs) if (log.blockTimestamp != null) blockTime.remember(log.blockNumber!, Number(log.blockTimestamp));
      const times = new Map<bigint, number>();
      await Promise.all(
        [...new Set(logs.map((log) => log.blockNumber!))].map(async (block) => times.set(block, await blockTime(block))),
      );
      // Everything below is synchronous: a range either fully succeeds or changes no counter.
      const updates: PoolUpdate[] = [];
      for (const log of logs) {
        const where = { pool: log.address, block: log.blockNumber?.toString(), logIndex: log.logIndex, tx: log.transactionHash };
        if (log.removed) {
          rejectedByReason.removed!++;
          logger.warn(where, 'Dropped a removed (reorged) pool log');
          continue;
        }
        try {
          const decoded = decodePoolLog({ topics: log.topics as Hex[], data: log.data });
          logsByEvent[decoded.eventName] = (logsByEvent[decoded.eventName] ?? 0) + 1;
          // RPC logs carry lower-case addresses: normalised here, they name each pool as configured.
          const address = toAddress(log.address);
          const position = { address, blockNumber: log.blockNumber!, logIndex: log.logIndex! };
          const time = times.get(log.blockNumber!)!;
          const previous = lastState.get(address);
          // A log at or before the state it would change was already applied (an RPC repeating logs):
          // the stream drops the repeat, and it must not move the tracked liquidity twice either.
          const isNew = !previous || compareLogPosition({ block: position.blockNumber, logIndex: position.logIndex }, previous) > 0;
          if (decoded.eventName === 'Swap') {
            swaps++;
            const update = swapToPoolUpdate(position, decoded.args, time);
            if (isNew) lastState.set(address, update);
            updates.push(update);
          } else if ((decoded.eventName === 'Mint' || decoded.eventName === 'Burn') && previous && isNew && liquidityUpdates) {
            const liquidityDelta = decoded.eventName === 'Mint' ? decoded.args.amount : -decoded.args.amount;
            const liquidity = liquidityAfterPositionChange(previous, { tickLower: decoded.args.tickLower, tickUpper: decoded.args.tickUpper, liquidityDelta });
            if (liquidity === previous.liquidity) continue;
            liquidityChanges++;
            const update: PoolUpdate = {
              kind: 'pool', pool: address, sqrtPriceX96: previous.sqrtPriceX96, tick: previous.tick, liquidity,
              block: position.blockNumber, logIndex: position.logIndex, time,
            };
            lastState.set(address, update);
            updates.push(update);
          }
        } catch (error) {
          if (!(error instanceof PoolLogDecodeError)) throw error;
          rejectedByReason.undecodable!++;
          logger.warn({ ...where, topic0: log.topics[0] }, error.shortMessage);
        }
      }
      return updates;
    },
    stats() {
      return { pools: pools.length, swaps, liquidityChanges, logsByEvent: { ...logsByEvent }, rejectedByReason: { ...rejectedByReason } };
    },
  };
}

export type UniswapPoolSourceStats = MarketSourceStats & {
  pools: number;
  /** PoolUpdates published from Swap logs. */
  swaps: number;
  /** PoolUpdates published because a Mint or Burn changed the active liquidity. */
  liquidityChanges: number;
  /** Every decoded pool log, by event name (Swap, Mint, Burn, Collect...). */
  logsByEvent: Record<string, number>;
};
