/**
 * Mean reversion: z-score bands over a rolling window. The z-score compares the new price with the mean
 * and standard deviation of the previous `window` prices (not including it, so a jump shows fully).
 * Flat: enter long at z ≤ −entryZ (buy), short at z ≥ +entryZ (sell). Long: exit (sell) once z has come
 * back to ≥ −exitZ. Short: exit (buy) once z ≤ +exitZ. "Short" on a spot vault means selling base held.
 */
import { z } from 'zod';
import { defineStrategy } from './define-strategy.js';
import { RollingStats } from './indicators.js';
import { decimalAmount, priceSource, strength } from './param-schemas.js';
import { eventPrice } from './prices.js';

const meanReversionParams = z
  .object({
    window: z.number().int().min(2).max(100_000).default(20).describe('events in the rolling mean and stddev'),
    entryZ: z.number().positive().max(100).default(2).describe('enter when |z| reaches this'),
    exitZ: z.number().min(0).max(100).default(0.5).describe('exit when |z| falls back to this (toward 0)'),
    longOnly: z.boolean().default(false).describe('never enter short (sell) positions'),
    priceSource: priceSource(),
    strength: strength(1),
    sizeQuote: decimalAmount().optional().describe('size hint per signal, quote units'),
  })
  .refine((params) => params.exitZ < params.entryZ, {
    path: ['exitZ'],
    message: 'exitZ must be smaller than entryZ',
  });

/**
 * The z-score band strategy.
 *
 * @example
 * createStrategyInstance(meanReversion, { id: 'eth-mr', params: { window: 60, entryZ: 2.5 }, market });
 */
export const meanReversion = defineStrategy({
  name: 'mean-reversion',
  description: 'Z-score bands: buy below −entryZ, sell above +entryZ, exit when the price returns toward the mean.',
  params: meanReversionParams,
  requires: (params) => [params.priceSource],
  init: ({ params }) => ({ stats: new RollingStats(params.window), position: 'flat' as 'flat' | 'long' | 'short' }),
  onMarket(market, ctx) {
    const price = eventPrice(market.last, ctx.params.priceSource, ctx.market);
    if (price === undefined) return undefined;
    const { state, params } = ctx;
    const ready = state.stats.ready;
    const zScore = state.stats.zScore(price);
    const mean = state.stats.mean;
    const stddev = state.stats.stddev;
    state.stats.update(price);
    if (!ready || Number.isNaN(zScore)) return undefined;

    let side: 'buy' | 'sell';
    let action: string;
    if (state.position === 'flat' && zScore <= -params.entryZ) {
      [side, action, state.position] = ['buy', `≤ −${params.entryZ}: enter long`, 'long'];
    } else if (state.position === 'flat' && zScore >= params.entryZ && !params.longOnly) {
      [side, action, state.position] = ['sell', `≥ ${params.entryZ}: enter short`, 'short'];
    } else if (state.position === 'long' && zScore >= -params.exitZ) {
      [side, action, state.position] = ['sell', `≥ −${params.exitZ}: exit long`, 'flat'];
    } else if (state.position === 'short' && zScore <= params.exitZ) {
      [side, action, state.position] = ['buy', `≤ ${params.exitZ}: exit short`, 'flat'];
    } else {
      return undefined;
    }
    return {
      strategyId: ctx.id,
      side,
      strength: params.strength,
      sizeQuote: params.sizeQuote,
      reason:
        `z-score ${zScore.toFixed(2)} ${action} (${params.priceSource} price ${price.toFixed(4)}, ` +
        `mean ${mean.toFixed(4)}, stddev ${stddev.toFixed(4)} over ${params.window} events)`,
      time: ctx.now(),
    };
  },
});
