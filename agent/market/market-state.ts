import type { Address } from '../model/address.js';
import type { MarketEvent, OracleUpdate, PoolUpdate } from '../model/market-event.js';
import type { MarketSnapshot } from '../model/ports.js';

/**
 * The latest OracleUpdate per feed and PoolUpdate per pool, plus the event being processed. The kernel
 * applies each event here BEFORE any strategy or subscriber sees it, so whatever a handler reads is one
 * consistent state that already includes the current event and nothing after it.
 *
 * Maps are keyed by the events' addresses, which sources normalise where they enter (toAddress), so a
 * lookup by a configured address is a plain `get`. The object itself is the snapshot: nothing is copied
 * per event, which keeps the backtest hot path allocation-free.
 *
 * @example
 * const state = new MarketState();
 * state.apply(oracleUpdate);
 * state.oracles.get(oracleUpdate.feed)?.answer; // the latest answer of that feed
 * state.last === oracleUpdate; // true
 */
export class MarketState implements MarketSnapshot {
  readonly oracles = new Map<Address, OracleUpdate>();
  readonly pools = new Map<Address, PoolUpdate>();
  last: MarketEvent | undefined = undefined;

  /** Records the event as the latest of its feed or pool, and as the current event. */
  apply(event: MarketEvent): void {
    if (event.kind === 'oracle') this.oracles.set(event.feed, event);
    else this.pools.set(event.pool, event);
    this.last = event;
  }
}
