import type { Address } from '../model/address.js';
import type { MarketEvent, OracleUpdate, PoolUpdate } from '../model/market-event.js';
import type { MarketSnapshot } from '../model/ports.js';

/**
 * The latest OracleUpdate per feed and PoolUpdate per pool, plus the event being processed. The kernel
 * applies each event here BEFORE any strategy or subscriber sees it, so whatever a handler reads is one
 * consistent state that already includes the current event and nothing after it.
 *
 * Maps are keyed by the lower-cased address, so a strategy configured with a checksummed address finds
 * a feed that a source emitted in lower case (use {@link MarketState.oracle} / {@link MarketState.pool}
 * to look up with any casing). The object itself is the snapshot: nothing is copied per event, which
 * keeps the backtest hot path allocation-free.
 *
 * @example
 * const state = new MarketState();
 * state.apply(oracleUpdate);
 * state.oracle(oracleUpdate.feed)?.answer; // the latest answer of that feed
 * state.last === oracleUpdate; // true
 */
export class MarketState implements MarketSnapshot {
  readonly oracles = new Map<Address, OracleUpdate>();
  readonly pools = new Map<Address, PoolUpdate>();
  last: MarketEvent | undefined = undefined;

  // Sources reuse one address string per feed, so remembering the last conversion skips toLowerCase
  // (and its allocation) on almost every event.
  #lastFeed = '';
  #lastFeedKey = '' as Address;
  #lastPool = '';
  #lastPoolKey = '' as Address;

  /** Records the event as the latest of its feed or pool, and as the current event. */
  apply(event: MarketEvent): void {
    if (event.kind === 'oracle') {
      if (event.feed !== this.#lastFeed) {
        this.#lastFeed = event.feed;
        this.#lastFeedKey = event.feed.toLowerCase() as Address;
      }
      this.oracles.set(this.#lastFeedKey, event);
    } else {
      if (event.pool !== this.#lastPool) {
        this.#lastPool = event.pool;
        this.#lastPoolKey = event.pool.toLowerCase() as Address;
      }
      this.pools.set(this.#lastPoolKey, event);
    }
    this.last = event;
  }

  /** The latest round of a feed, whatever the casing of `feed`. */
  oracle(feed: Address): OracleUpdate | undefined {
    return this.oracles.get(feed.toLowerCase() as Address);
  }

  /** The latest state of a pool, whatever the casing of `pool`. */
  pool(pool: Address): PoolUpdate | undefined {
    return this.pools.get(pool.toLowerCase() as Address);
  }
}

/**
 * The latest round of `feed` in any snapshot, whatever the casing of the address (snapshots built by
 * {@link MarketState} are keyed in lower case; hand-built ones may not be).
 *
 * @example
 * const round = oracleIn(market, config.oracle);
 */
export function oracleIn(market: MarketSnapshot, feed: Address): OracleUpdate | undefined {
  return market.oracles.get(feed) ?? market.oracles.get(feed.toLowerCase() as Address) ?? findCaseless(market.oracles, feed);
}

/**
 * The latest state of `pool` in any snapshot, whatever the casing of the address.
 *
 * @example
 * const slot0 = poolIn(market, config.pool);
 */
export function poolIn(market: MarketSnapshot, pool: Address): PoolUpdate | undefined {
  return market.pools.get(pool) ?? market.pools.get(pool.toLowerCase() as Address) ?? findCaseless(market.pools, pool);
}

function findCaseless<T>(map: ReadonlyMap<Address, T>, address: Address): T | undefined {
  const wanted = address.toLowerCase();
  for (const [key, value] of map) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
