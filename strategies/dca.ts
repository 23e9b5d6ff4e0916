/**
 * Dollar-cost averaging: buy a fixed quote amount every `intervalSeconds` of event time. The first buy
 * is at the first event at or after `startTime` (default: the first event seen). After a gap in the
 * events longer than an interval, it buys once, not once per missed interval, and stays on its
 * original schedule (start + k × interval).
 */
import { z } from 'zod';
import { defineStrategy } from './define-strategy.js';
import { decimalAmount } from './param-schemas.js';
import { oraclePrice } from './prices.js';

const dcaParams = z.object({
  intervalSeconds: z.number().int().min(1).max(366 * 86_400).default(86_400).describe('seconds between buys'),
  amountQuote: decimalAmount().default('100').describe('quote amount per buy, e.g. "100" USDC'),
  side: z.enum(['buy', 'sell']).default('buy').describe('buy base with quote (accumulate) or sell base (distribute)'),
  startTime: z.number().int().min(0).optional().describe('unix seconds of the first buy (default: first event)'),
});

/**
 * The DCA strategy.
 *
 * @example
 * createStrategyInstance(dca, { id: 'weekly', params: { intervalSeconds: 604800, amountQuote: '500' }, market });
 */
export const dca = defineStrategy({
  name: 'dca',
  description: 'Dollar-cost averaging: trade a fixed quote amount every interval of event time.',
  params: dcaParams,
  init: ({ params }) => ({ nextTime: params.startTime ?? Number.NaN, bought: 0 }),
  onMarket(_market, ctx) {
    const { state, params } = ctx;
    const now = ctx.now();
    if (Number.isNaN(state.nextTime)) state.nextTime = now;
    if (now < state.nextTime) return undefined;
    const scheduled = state.nextTime;
    const missed = Math.floor((now - scheduled) / params.intervalSeconds);
    state.nextTime = scheduled + (missed + 1) * params.intervalSeconds;
    state.bought += 1;
    const oracle = ctx.latestOracle();
    const symbol = ctx.market.quote.symbol ?? 'quote';
    return {
      strategyId: ctx.id,
      side: params.side,
      strength: 1,
      sizeQuote: params.amountQuote,
      reason:
        `DCA #${state.bought}: ${params.side} ${params.amountQuote} ${symbol} worth of ${ctx.market.base.symbol ?? 'base'} ` +
        `(every ${params.intervalSeconds} s, due at ${scheduled}` +
        (missed > 0 ? `, ${missed} missed interval(s) not caught up` : '') +
        (oracle ? `, oracle price ${oraclePrice(oracle).toFixed(4)}` : '') +
        ')',
      time: now,
    };
  },
});
