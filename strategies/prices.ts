/**
 * Prices as numbers, for indicators and signals only. Floats are fine for deciding *whether* to trade;
 * amounts that go on-chain are computed from bigints elsewhere (the reasoner and the executor).
 */
import { sortsBefore } from '../agent/model/address.js';
import type { OracleUpdate, PoolUpdate } from '../agent/model/market-event.js';
import type { StrategyMarket } from './define-strategy.js';

const Q96 = 2 ** 96;

/**
 * The oracle answer as a number (answer / 10^decimals).
 *
 * @example
 * oraclePrice({ kind: 'oracle', answer: 229750276106n, decimals: 8, ... }); // 2297.50276106
 */
export function oraclePrice(update: Pick<OracleUpdate, 'answer' | 'decimals'>): number {
  return Number(update.answer) / 10 ** update.decimals;
}

/**
 * Whether the market's base token is the pool's token0 (Uniswap orders tokens by address).
 *
 * @example
 * baseIsToken0({ base: { address: weth, decimals: 18 }, quote: { address: usdc, decimals: 6 } }); // false on mainnet
 */
export function baseIsToken0(market: Pick<StrategyMarket, 'base' | 'quote'>): boolean {
  return sortsBefore(market.base.address, market.quote.address);
}

/**
 * The pool's price of one base token in quote tokens (human units), from sqrtPriceX96 and the decimals.
 *
 * @example
 * // USDC/WETH 0.05 % on mainnet (token0 = USDC): about 2,270 USDC per WETH on 2024-01-05
 * poolPrice({ sqrtPriceX96: 1662995104975155420368771254341874n }, market);
 */
export function poolPrice(
  update: Pick<PoolUpdate, 'sqrtPriceX96'>,
  market: Pick<StrategyMarket, 'base' | 'quote'>,
): number {
  const sqrt = Number(update.sqrtPriceX96) / Q96;
  // token1 per token0 in base units of each token
  const raw = sqrt * sqrt;
  const scale = 10 ** (market.base.decimals - market.quote.decimals);
  return (baseIsToken0(market) ? raw : 1 / raw) * scale;
}

/**
 * A non-negative amount as the decimal string a Signal's `sizeQuote` carries, rounded to `maxDecimals`
 * places (so float noise such as 499.99999999 reads 500), trailing zeros dropped.
 *
 * @example
 * toDecimalString(1234.56789, 2); // '1234.57'
 */
export function toDecimalString(amount: number, maxDecimals: number): string {
  if (!Number.isFinite(amount) || amount <= 0) return '0';
  const places = Math.max(0, Math.min(maxDecimals, 12));
  // toFixed switches to exponent notation from 1e21, which is not a decimal string.
  if (amount >= 1e21) return BigInt(Math.round(amount)).toString();
  const fixed = amount.toFixed(places);
  return places === 0 ? fixed : fixed.replace(/\.?0+$/, '');
}

/**
 * The base price carried by `event` if it comes from `source`, else undefined: lets a strategy take its
 * price from the oracle or the pool by a param.
 *
 * @example
 * const price = eventPrice(market.last, ctx.params.priceSource, ctx.market);
 * if (price === undefined) return undefined;
 */
export function eventPrice(
  event: OracleUpdate | PoolUpdate | undefined,
  source: 'oracle' | 'pool',
  market: Pick<StrategyMarket, 'base' | 'quote'>,
): number | undefined {
  if (event === undefined || event.kind !== source) return undefined;
  return event.kind === 'oracle' ? oraclePrice(event) : poolPrice(event, market);
}
