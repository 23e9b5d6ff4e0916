import { decodeEventLog, parseAbi, type DecodeEventLogReturnType } from 'viem';
import { MandateError } from '../model/base-error.js';
import type { Address, Hex } from '../model/address.js';
import type { PoolUpdate } from '../model/market-event.js';

/** A log could not be decoded as one of the Uniswap v3 pool's events. */
export class PoolLogDecodeError extends MandateError {
  override name = 'PoolLogDecodeError';
}

/**
 * Every event a Uniswap v3 pool emits (IUniswapV3PoolEvents), so that no pool log is ever an unknown
 * one: a caller can decode all of a pool's logs and decide which to use instead of silently dropping some.
 */
export const uniswapV3PoolEventsAbi = parseAbi([
  'event Initialize(uint160 sqrtPriceX96, int24 tick)',
  'event Mint(address sender, address indexed owner, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount, uint256 amount0, uint256 amount1)',
  'event Collect(address indexed owner, address recipient, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount0, uint128 amount1)',
  'event Burn(address indexed owner, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount, uint256 amount0, uint256 amount1)',
  'event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)',
  'event Flash(address indexed sender, address indexed recipient, uint256 amount0, uint256 amount1, uint256 paid0, uint256 paid1)',
  'event IncreaseObservationCardinalityNext(uint16 observationCardinalityNextOld, uint16 observationCardinalityNextNew)',
  'event SetFeeProtocol(uint8 feeProtocol0Old, uint8 feeProtocol1Old, uint8 feeProtocol0New, uint8 feeProtocol1New)',
  'event CollectProtocol(address indexed sender, address indexed recipient, uint128 amount0, uint128 amount1)',
]);

/** The Swap event alone, for `getLogs({ event })` filters. */
export const uniswapV3SwapEvent = uniswapV3PoolEventsAbi.find(
  (item) => item.type === 'event' && item.name === 'Swap',
)!;

/** A pool log as decoded by viem: `{ eventName, args }`, typed per event. */
export type DecodedPoolLog = DecodeEventLogReturnType<typeof uniswapV3PoolEventsAbi>;

/** The parts of a log that decoding needs (an RPC log, or a row of a logs CSV). */
export type PoolLogData = { topics: readonly Hex[]; data: Hex };

/** A log with the position that orders it on the chain. */
export type PoolLog = PoolLogData & { address: Address; blockNumber: bigint; logIndex: number };

/**
 * Decodes any Uniswap v3 pool log (Swap, Mint, Burn, Collect, Flash...). Throws PoolLogDecodeError for a
 * log that is not a pool event or whose data does not match it, so a bad log is never mistaken for a swap.
 *
 * @example
 * const decoded = decodePoolLog({ topics: log.topics, data: log.data });
 * if (decoded.eventName === 'Mint') console.log(decoded.args.amount);
 */
export function decodePoolLog(log: PoolLogData): DecodedPoolLog {
  const [signature, ...rest] = log.topics;
  if (!signature) {
    throw new PoolLogDecodeError('Cannot decode a pool log without topics.', {
      details: 'A Uniswap v3 pool event has its signature hash as topic 0.',
    });
  }
  try {
    return decodeEventLog({ abi: uniswapV3PoolEventsAbi, topics: [signature, ...rest], data: log.data, strict: true });
  } catch (cause) {
    throw new PoolLogDecodeError('Cannot decode a log as a Uniswap v3 pool event.', {
      details: `Topic 0 is ${signature}; accepted are the IUniswapV3PoolEvents signatures (Swap, Mint, Burn, Collect, ...).`,
      cause,
    });
  }
}

/**
 * Decodes a Swap log into the PoolUpdate it implies: the pool's state after the swap and the swap's
 * deltas (positive = paid into the pool). Throws PoolLogDecodeError for any other event.
 *
 * @example
 * const update = decodeSwapLog(log, Number(block.timestamp));
 * // { kind: 'pool', pool, sqrtPriceX96, tick, liquidity, amount0, amount1, block, logIndex, time }
 */
export function decodeSwapLog(log: PoolLog, time: number): PoolUpdate {
  const decoded = decodePoolLog(log);
  if (decoded.eventName !== 'Swap') {
    throw new PoolLogDecodeError('Expected a Swap log.', {
      details: `Log ${log.blockNumber}:${log.logIndex} of ${log.address} is a ${decoded.eventName} event.`,
    });
  }
  return swapToPoolUpdate(log, decoded.args, time);
}

type SwapArgs = Extract<DecodedPoolLog, { eventName: 'Swap' }>['args'];

/**
 * Builds the PoolUpdate of an already decoded Swap (when the caller decoded it with decodePoolLog).
 *
 * @example
 * const decoded = decodePoolLog(log);
 * if (decoded.eventName === 'Swap') publish(swapToPoolUpdate(log, decoded.args, time));
 */
export function swapToPoolUpdate(log: Omit<PoolLog, 'topics' | 'data'>, args: SwapArgs, time: number): PoolUpdate {
  return {
    kind: 'pool',
    pool: log.address,
    sqrtPriceX96: args.sqrtPriceX96,
    tick: args.tick,
    liquidity: args.liquidity,
    amount0: args.amount0,
    amount1: args.amount1,
    block: log.blockNumber,
    logIndex: log.logIndex,
    time,
  };
}
