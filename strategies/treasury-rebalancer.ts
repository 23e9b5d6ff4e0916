/**
 * Treasury rebalancer, for DAOs: keep the value split between base and quote near a target weight.
 * When the base token's share of the portfolio's value drifts outside target ± driftBand, signal the
 * trade back to the target, sized in quote units (|drift| × total value, before fees).
 *
 * It reads the portfolio from `ctx.balances` (vault balances per token, base units), which the kernel
 * refreshes with `instance.setBalances` at start and after every fill.
 */
import { z } from 'zod';
import { defineStrategy } from './define-strategy.js';
import { decimalAmount, priceSource } from './param-schemas.js';
import { eventPrice, toDecimalString } from './prices.js';

const rebalancerParams = z
  .object({
    targetBaseWeight: z.number().min(0).max(1).default(0.5).describe('target share of value in the base token, 0..1'),
    driftBand: z.number().positive().max(0.5).default(0.05).describe('rebalance when the share is off by more than this'),
    minTradeQuote: decimalAmount().default('10').describe('skip rebalances smaller than this, quote units'),
    cooldownSeconds: z.number().int().min(0).default(3_600).describe('least event time between two signals'),
    priceSource: priceSource(),
  });

/**
 * The treasury rebalancer strategy.
 *
 * @example
 * const instance = createStrategyInstance(treasuryRebalancer, { id: 'dao', params: { targetBaseWeight: 0.3 }, market });
 * instance.setBalances(new Map([[weth, 10n ** 18n], [usdc, 5_000_000_000n]]));
 */
export const treasuryRebalancer = defineStrategy({
  name: 'treasury-rebalancer',
  description: 'Keep the base token near a target share of portfolio value; trade back when it drifts past a band.',
  params: rebalancerParams,
  requires: (params) => [params.priceSource],
  init: ({ params, market }) => ({
    minTrade: Number(params.minTradeQuote),
    lastSignalTime: Number.NEGATIVE_INFINITY,
  }),
  onMarket(market, ctx) {
    const price = eventPrice(market.last, ctx.params.priceSource, ctx.market);
    if (price === undefined) return undefined;
    const { state, params } = ctx;
    const now = ctx.now();
    if (now - state.lastSignalTime < params.cooldownSeconds) return undefined;
    const baseUnits = ctx.balances.get(ctx.market.base.address) ?? 0n;
    const quoteUnits = ctx.balances.get(ctx.market.quote.address) ?? 0n;
    const baseValue = (Number(baseUnits) / 10 ** ctx.market.base.decimals) * price;
    const quoteValue = Number(quoteUnits) / 10 ** ctx.market.quote.decimals;
    const total = baseValue + quoteValue;
    if (!(total > 0)) return undefined;
    const weight = baseValue / total;
    const drift = weight - params.targetBaseWeight;
    if (Math.abs(drift) <= params.driftBand) return undefined;
    const size = Math.abs(drift) * total;
    if (size < state.minTrade) return undefined;

    state.lastSignalTime = now;
    const side = drift > 0 ? 'sell' : 'buy';
    const base = ctx.market.base.symbol ?? 'base';
    const quote = ctx.market.quote.symbol ?? 'quote';
    const sizeQuote = toDecimalString(size, Math.min(ctx.market.quote.decimals, 6));
    const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
    return {
      strategyId: ctx.id,
      side,
      strength: 1,
      sizeQuote,
      reason:
        `${base} is ${percent(weight)} of ${total.toFixed(2)} ${quote} (target ${percent(params.targetBaseWeight)} ` +
        `± ${percent(params.driftBand)}) at ${params.priceSource} price ${price.toFixed(4)}: ` +
        `${side} ${sizeQuote} ${quote} of ${base} to rebalance`,
      time: now,
    };
  },
});
