import { sqrtPriceX96ToOraclePrice } from '../agent/chain/price/sqrt-price.js';
import type { MarketSnapshot, Reasoner } from '../agent/model/ports.js';
import type { Address } from '../agent/model/address.js';
import type { OracleUpdate } from '../agent/model/market-event.js';

export type PoolPricedMarket = {
  /** The feed address the reasoner looks its price up under. */
  oracle: Address;
  pool: Address;
  base: { address: Address; decimals: number };
  quote: { address: Address; decimals: number };
};

/**
 * For data with no oracle at all (a Uniswap events file): shows the reasoner the pool's own price as if it
 * were the oracle's latest round (8 decimals, updatedAt = the pool event's time), so the rules reasoner can
 * size and floor trades. Only the reasoner's view changes; strategies and the kernel see the real stream.
 * A backtest that does this says so in its result (`policyPricing: 'pool'`).
 *
 * @example
 * const reasoner = poolPricedReasoner(createRulesReasoner({ market, maxTradeQuote: '1000', maxSlippageBps: 50 }), market);
 */
export function poolPricedReasoner(reasoner: Reasoner, market: PoolPricedMarket): Reasoner {
  const pair = { base: market.base, quote: market.quote, feedDecimals: 8 };
  return {
    name: reasoner.name,
    propose(input) {
      const slot0 = input.market.pools.get(market.pool);
      if (slot0 === undefined) return reasoner.propose(input);
      const round: OracleUpdate = {
        kind: 'oracle',
        feed: market.oracle,
        roundId: slot0.block * 1_000_000n + BigInt(slot0.logIndex),
        answer: sqrtPriceX96ToOraclePrice(slot0.sqrtPriceX96, pair),
        decimals: 8,
        updatedAt: BigInt(slot0.time),
        time: slot0.time,
      };
      const oracles = new Map(input.market.oracles);
      oracles.set(market.oracle, round);
      const view: MarketSnapshot = { oracles, pools: input.market.pools, last: input.market.last };
      return reasoner.propose({ ...input, market: view });
    },
  };
}
