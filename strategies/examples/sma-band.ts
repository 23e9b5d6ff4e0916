import { z } from 'zod';
import { defineStrategy, eventPrice, SimpleMovingAverage } from 'mandate';

/**
 * Buys when the oracle price leaves its moving average's band upward, sells when it leaves downward.
 *
 * @example
 * createStrategyInstance(smaBand, { id: 'band', params: { period: 48 }, market });
 */
export const smaBand = defineStrategy({
  name: 'sma-band',
  description: 'Buy above SMA + band, sell below SMA − band; one signal each time the price leaves the band.',
  params: z.object({
    period: z.number().int().min(2).default(20).describe('events in the average'),
    bandBps: z.number().min(0).default(50).describe('distance from the average that counts, bps'),
    sizeQuote: z.string().regex(/^\d+(\.\d+)?$/).default('500').describe('quote amount per trade'),
  }),
  requires: ['oracle'],
  init: ({ params }) => ({ sma: new SimpleMovingAverage(params.period), side: 'none' as 'none' | 'buy' | 'sell' }),
  onMarket(market, ctx) {
    const price = eventPrice(market.last, 'oracle', ctx.market);
    if (price === undefined) return undefined; // a pool event: this strategy reads the oracle only
    const { sma } = ctx.state;
    const ready = sma.ready;
    const average = sma.value; // of the previous `period` prices
    sma.update(price);
    if (!ready) return undefined; // warm-up
    const band = (average * ctx.params.bandBps) / 10_000;
    const want = price > average + band ? 'buy' : price < average - band ? 'sell' : ctx.state.side;
    if (want === ctx.state.side || want === 'none') return undefined;
    ctx.state.side = want;
    return {
      strategyId: ctx.id,
      side: want,
      strength: 1,
      sizeQuote: ctx.params.sizeQuote,
      reason: `price ${price.toFixed(2)} left SMA(${ctx.params.period}) ${average.toFixed(2)} ± ${ctx.params.bandBps} bps`,
      time: ctx.now(),
    };
  },
});
