import type { Observable } from 'rxjs';
import type { Address } from '../model/address.js';
import type { Clock, VirtualClock } from '../model/clock.js';
import type { Fill } from '../model/decision.js';
import type { MarketEvent } from '../model/market-event.js';
import type { Executor, Reasoner, RiskGate } from '../model/ports.js';

/** A token of the traded pair, with what sizing and display need. */
export type VenueToken = { address: Address; decimals: number; symbol: string };

/**
 * A trade's gas in the books: paid out of the portfolio in one of its tokens (a backtest), or paid by the
 * agent's account and valued in quote units (live).
 */
export type GasCharge = { token: Address; amount: bigint; quoteValue: number } | { token?: undefined; quoteValue: number };

/** The pair a venue trades, its feeds and its pools by fee tier: what strategies and reasoners are bound to. */
export type VenueMarket = {
  base: VenueToken;
  quote: VenueToken;
  /** The feed pricing the base token in the quote's unit (ETH/USD for WETH/USDC); undefined without an oracle. */
  baseFeed: Address | undefined;
  /** The feed pricing the quote token (USDC/USD), when there is one. */
  quoteFeed: Address | undefined;
  pools: readonly { fee: number; address: Address }[];
};

/**
 * Where a run happens. The live venue brings the live sources, the vault executor, the wall (or chain)
 * clock and the vault's policy; the backtest venue brings the historical source, the simulated executor,
 * the virtual clock and the policy mirror. The engine builds everything else the same way for both.
 */
export type Venue = {
  readonly kind: 'live' | 'backtest';
  readonly market: VenueMarket;
  readonly clock: Clock | VirtualClock;
  readonly executor: Executor;
  readonly riskGate: RiskGate;
  /** Live: the market stream the kernel runs on. A backtest replays its events instead. */
  readonly market$?: Observable<MarketEvent> | undefined;
  /** Adapts the run's reasoner to the venue (a backtest without an oracle prices from the pool). */
  readonly adaptReasoner?: ((reasoner: Reasoner) => Reasoner) | undefined;
  /** What a fill's gas cost the books; undefined when it is not known. */
  gasCost?(fill: Fill): GasCharge | undefined;
  /** The base token's price now, in quote per base, for valuing positions; undefined before any price. */
  price?(): number | undefined;
};
