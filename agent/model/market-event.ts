/**
 * The typed events on `market$`. Amounts that exist on-chain are bigint, exactly as the chain reports
 * them; `time` is unix seconds from the chain (block or round time), never the wall clock.
 *
 * Strategies read these, so this file must not import viem or anything chain-specific.
 */
import type { Address } from './address.js';

/** A new Chainlink round (AggregatorV3Interface.latestRoundData, or an AnswerUpdated log). */
export type OracleUpdate = {
  kind: 'oracle';
  /** The aggregator (or proxy) address the round was read from. */
  feed: Address;
  roundId: bigint;
  /** Price × 10^decimals. Always > 0 on the stream: sources reject the rest. */
  answer: bigint;
  decimals: number;
  /** The round's updatedAt, unix seconds. */
  updatedAt: bigint;
  /** Event time, unix seconds (equals updatedAt for oracle rounds). */
  time: number;
  /** Where the round was observed, when known: orders it against pool logs. */
  block?: bigint | undefined;
  logIndex?: number | undefined;
};

/** The state of a Uniswap v3 pool after a Swap (or as read from slot0). */
export type PoolUpdate = {
  kind: 'pool';
  pool: Address;
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  /** The swap's pool deltas (positive = paid into the pool), when the update comes from a Swap log. */
  amount0?: bigint | undefined;
  amount1?: bigint | undefined;
  block: bigint;
  logIndex: number;
  /** Block time, unix seconds. */
  time: number;
};

export type MarketEvent = OracleUpdate | PoolUpdate;

/**
 * A market event's identity, the same every time the event is read: a feed's round, or a pool log's place
 * in the chain. A decision records the key of the event whose signal led to it, so a resumed run that
 * reads the event again knows it was already decided.
 *
 * @example
 * eventKey(round); // 'o:0x5f4e…8419:110680464442257320802'
 */
export function eventKey(event: MarketEvent): string {
  return event.kind === 'oracle' ? `o:${event.feed}:${event.roundId}` : `p:${event.pool}:${event.block}:${event.logIndex}`;
}
