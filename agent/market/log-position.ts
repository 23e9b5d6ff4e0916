import type { MarketEvent } from '../model/market-event.js';

/**
 * Reads of contract state (slot0, latestRoundData) are not logs: they describe the state at the END of
 * the block they were read at, so they sort after every log of that block. This is their log index.
 */
export const STATE_READ_LOG_INDEX = Number.MAX_SAFE_INTEGER;

/** Where an event sits on the chain: its block, then its log index (state reads last in their block). */
export type LogPosition = { block: bigint; logIndex: number };

/**
 * The position of a market event. An oracle round without a block (never the case for live sources)
 * sorts first, at block 0.
 *
 * @example
 * logPositionOf(poolUpdate); // { block: 19000000n, logIndex: 12 }
 */
export function logPositionOf(event: MarketEvent): LogPosition {
  return { block: event.block ?? 0n, logIndex: event.logIndex ?? STATE_READ_LOG_INDEX };
}

/**
 * Orders two positions: negative if `a` comes first, 0 if equal, positive if `b` comes first.
 *
 * @example
 * compareLogPosition({ block: 1n, logIndex: 5 }, { block: 2n, logIndex: 0 }); // -1
 */
export function compareLogPosition(a: LogPosition, b: LogPosition): number {
  if (a.block !== b.block) return a.block < b.block ? -1 : 1;
  return a.logIndex === b.logIndex ? 0 : a.logIndex < b.logIndex ? -1 : 1;
}

/**
 * What tells two events at the same position apart. Real logs are unique by (block, logIndex), so for
 * them the position is the whole identity; several state reads share a block's end, so they are told
 * apart by what was read (feed and round, or pool).
 *
 * @example
 * eventIdentity(oracleRead); // "oracle:0xfeed…:110680464442257320000"
 */
export function eventIdentity(event: MarketEvent): string {
  if (event.logIndex !== undefined && event.logIndex !== STATE_READ_LOG_INDEX) return 'log';
  return event.kind === 'oracle' ? `oracle:${event.feed}:${event.roundId}` : `pool:${event.pool}`;
}

/**
 * A total order on market events: by position, then (for state reads sharing a block's end) by identity,
 * so a merge of several sources is deterministic whatever order they answered in.
 *
 * @example
 * events.sort(compareMarketEvents);
 */
export function compareMarketEvents(a: MarketEvent, b: MarketEvent): number {
  const byPosition = compareLogPosition(logPositionOf(a), logPositionOf(b));
  if (byPosition !== 0) return byPosition;
  const ia = eventIdentity(a);
  const ib = eventIdentity(b);
  if (a.kind === 'oracle' && b.kind === 'oracle' && a.feed === b.feed) {
    return a.roundId === b.roundId ? 0 : a.roundId < b.roundId ? -1 : 1;
  }
  return ia === ib ? 0 : ia < ib ? -1 : 1;
}
