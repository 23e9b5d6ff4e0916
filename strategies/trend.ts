/**
 * Trend: a fast/slow moving-average cross on the price. Buys when the fast average crosses above the
 * slow one, sells when it crosses below; silent otherwise, including during warm-up and on the first
 * reading after warm-up (which only establishes which side the fast average is on).
 */
import { z } from 'zod';
import { defineStrategy } from './define-strategy.js';
import { ExponentialMovingAverage, SimpleMovingAverage } from './indicators.js';
import { decimalAmount, priceSource, strength } from './param-schemas.js';
import { eventPrice } from './prices.js';

const trendParams = z
  .object({
    fastPeriod: z.number().int().min(1).max(100_000).default(10).describe('events in the fast average'),
    slowPeriod: z.number().int().min(2).max(100_000).default(30).describe('events in the slow average'),
    average: z.enum(['sma', 'ema']).default('sma').describe('simple or exponential moving averages'),
    priceSource: priceSource(),
    strength: strength(1),
    sizeQuote: decimalAmount().optional().describe('size hint per signal, quote units'),
  })
  .refine((params) => params.fastPeriod < params.slowPeriod, {
    path: ['fastPeriod'],
    message: 'fastPeriod must be smaller than slowPeriod',
  });

type MovingAverage = { readonly ready: boolean; readonly value: number; update(value: number): number };

/**
 * The moving-average cross strategy.
 *
 * @example
 * createStrategyInstance(trend, { id: 'eth-trend', params: { fastPeriod: 12, slowPeriod: 48 }, market });
 */
export const trend = defineStrategy({
  name: 'trend',
  description: 'Moving-average cross: buy when the fast average crosses above the slow one, sell when below.',
  params: trendParams,
  requires: (params) => [params.priceSource],
  init({ params }) {
    const make = (period: number): MovingAverage =>
      params.average === 'ema' ? new ExponentialMovingAverage(period) : new SimpleMovingAverage(period);
    // side: +1 fast above slow, −1 below, 0 not known yet
    return { fast: make(params.fastPeriod), slow: make(params.slowPeriod), side: 0 };
  },
  onMarket(market, ctx) {
    const price = eventPrice(market.last, ctx.params.priceSource, ctx.market);
    if (price === undefined) return undefined;
    const { state, params } = ctx;
    const fast = state.fast.update(price);
    const slow = state.slow.update(price);
    if (!state.slow.ready) return undefined;
    const side = fast > slow ? 1 : fast < slow ? -1 : 0;
    // Touching is not crossing: keep the last known side until the averages actually separate.
    if (side === 0 || side === state.side) return undefined;
    const previous = state.side;
    state.side = side;
    if (previous === 0) return undefined;
    const label = params.average.toUpperCase();
    return {
      strategyId: ctx.id,
      side: side > 0 ? 'buy' : 'sell',
      strength: params.strength,
      sizeQuote: params.sizeQuote,
      reason:
        `fast ${label}(${params.fastPeriod}) ${fast.toFixed(4)} crossed ${side > 0 ? 'above' : 'below'} ` +
        `slow ${label}(${params.slowPeriod}) ${slow.toFixed(4)} at ${params.priceSource} price ${price.toFixed(4)}`,
      time: ctx.now(),
    };
  },
});
