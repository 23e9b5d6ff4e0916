import type { MarketSnapshot } from '../model/ports.js';
import { toAddress, type Address } from '../model/address.js';
import type { OracleUpdate } from '../model/market-event.js';
import type { RulesMarket, RulesToken } from './rules-reasoner.js';

/**
 * What the LLM reasoner may trade: the rules reasoner's market (base/quote tokens with their decimals and
 * feeds) plus every allow-listed pool of the pair. Decimals always come from here, never assumed.
 */
export type ReasonerMarket = RulesMarket & {
  /**
   * The allow-listed pools of the base/quote pair, by fee tier, with their address when known (used to show
   * the pool's price to the model). Default: only `poolFee`.
   */
  pools?: readonly { fee: number; address?: Address | undefined }[] | undefined;
};

/** The limits the model is told about and its answers are checked against. */
export type ReasonerPolicy = {
  /** Per-trade cap in USD, a decimal string ("2500"): the lower of the vault's and the agent's own cap. */
  maxTradeUsd: string;
  /** Worst accepted price against the oracle, basis points. */
  maxSlippageBps: number;
  /** Informational: seconds the vault enforces between trades. */
  cooldownSeconds?: number | undefined;
};

/** A token's USD price as the exact fraction usdNum / usdDen per BASE UNIT of the token. */
export type TokenPrice = { num: bigint; den: bigint; round: OracleUpdate | undefined };

/**
 * The allow-listed tokens of a market, base first.
 *
 * @example
 * marketTokens(market).map((t) => t.symbol); // ['WETH', 'USDC']
 */
export function marketTokens(market: ReasonerMarket): readonly RulesToken[] {
  return [market.base, market.quote];
}

/**
 * The allow-listed pools of a market (fee tiers of the base/quote pair).
 *
 * @example
 * marketPools({ ...market, pools: [{ fee: 500 }, { fee: 3000 }] }); // [{ fee: 500 }, { fee: 3000 }]
 */
export function marketPools(market: ReasonerMarket): readonly { fee: number; address?: Address | undefined }[] {
  return market.pools && market.pools.length > 0 ? market.pools : [{ fee: market.poolFee }];
}

/**
 * The allow-listed token with this address, or undefined. `address` is text from outside (a model's
 * answer): it is normalised here, so all-lower, all-upper or correctly checksummed spellings match, and a
 * wrong checksum or anything else matches nothing.
 *
 * @example
 * findToken(market, '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2')?.symbol; // 'WETH'
 */
export function findToken(market: ReasonerMarket, address: string): RulesToken | undefined {
  let wanted: Address;
  try {
    wanted = toAddress(address);
  } catch {
    return undefined;
  }
  return marketTokens(market).find((token) => token.address === wanted);
}

/**
 * The USD price of a base unit of `token` from the latest oracle round, or undefined without one. The quote
 * token without its own feed is taken to be worth exactly 1 USD (as the rules reasoner does).
 *
 * @example
 * const price = tokenPrice(market, snapshot, market.base.address);
 * const usd18 = (amount * price.num * 10n ** 18n) / price.den;
 */
export function tokenPrice(market: ReasonerMarket, snapshot: MarketSnapshot, token: Address): TokenPrice | undefined {
  const isBase = token === market.base.address;
  const decimals = isBase ? market.base.decimals : market.quote.decimals;
  const feed = isBase ? market.oracle : market.quoteOracle;
  if (feed === undefined) return { num: 1n, den: 10n ** BigInt(decimals), round: undefined };
  const round = snapshot.oracles.get(feed);
  if (round === undefined || round.answer <= 0n) return undefined;
  return { num: round.answer, den: 10n ** BigInt(round.decimals + decimals), round };
}

/**
 * The USD value of `amount` base units at `price`, with 18 decimals (the vault's unit), rounded down.
 *
 * @example
 * usdValue18(1_000_000n, { num: 1n, den: 1_000_000n, round: undefined }); // 10n ** 18n (1 USDC = 1 USD)
 */
export function usdValue18(amount: bigint, price: TokenPrice): bigint {
  return (amount * price.num * 10n ** 18n) / price.den;
}

/**
 * The balance of `token` in a balances map; 0 when absent.
 *
 * @example
 * balanceOf(balances, market.quote.address); // 100_000_000_000n
 */
export function balanceOf(balances: ReadonlyMap<Address, bigint>, token: Address): bigint {
  return balances.get(token) ?? 0n;
}
