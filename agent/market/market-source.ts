import type { MarketEvent } from '../model/market-event.js';

/**
 * A live source of market events read by block range (Chainlink feeds, Uniswap v3 pools). The market
 * stream drives every source over the same confirmed ranges and merges their events in chain order.
 *
 * Contract, which is what makes reconnects lose and repeat nothing: `start` and `readRange` either
 * resolve with every event of their block(s), or throw having changed nothing, so the stream can call
 * them again for the same block(s) after an RPC error. They are called once per block, in block order.
 */
export type MarketSource<TStats extends MarketSourceStats = MarketSourceStats> = {
  /** A short name for stats and logs, e.g. "chainlink" or "uniswap-v3". */
  readonly name: string;
  /** Reads the state at `block` (the latest round, slot0): the events a strategy needs before any change. */
  start(block: bigint): Promise<MarketEvent[]>;
  /** Every event of blocks `fromBlock..toBlock` (inclusive). */
  readRange(fromBlock: bigint, toBlock: bigint): Promise<MarketEvent[]>;
  /** The source's own counters (rounds rejected by reason, logs by event...). */
  stats(): TStats;
};

/** Counters every source reports; sources add their own fields. */
export type MarketSourceStats = {
  /** Events the source rejected, by reason (e.g. "non-positive-answer", "stale"). */
  rejectedByReason: Record<string, number>;
  [field: string]: unknown;
};

/** A pino-compatible logger, reduced to what sources use. */
export type MarketLogger = {
  warn(details: Record<string, unknown>, message: string): void;
  info?(details: Record<string, unknown>, message: string): void;
};

/** A logger that says nothing, the default. */
export const silentMarketLogger: MarketLogger = { warn: () => {} };
