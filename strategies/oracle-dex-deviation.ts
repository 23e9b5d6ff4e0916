/**
 * Oracle–DEX deviation: when the pool's price strays from the oracle's by more than it costs to trade
 * it back (pool fee + gas as bps of the trade + a safety margin), signal the trade that moves the pool
 * toward the oracle: buy base when the pool is cheaper than the oracle, sell base when it is dearer.
 *
 * The size hint is the quote value needed to bring the pool's price to the oracle's within the current
 * liquidity (Uniswap v3: Δtoken1 = L·Δ√P, Δtoken0 = L·Δ(1/√P), grossed up for the fee), capped at
 * `maxSizeQuote`. It ignores tick crossings, so it is an estimate; the reasoner and risk gate size the
 * real trade.
 */
import { z } from 'zod';
import { defineStrategy, StrategyParamsError, type StrategyMarket } from './define-strategy.js';
import { decimalAmount } from './param-schemas.js';
import { baseIsToken0, oraclePrice, poolPrice, toDecimalString } from './prices.js';
import type { PoolUpdate } from '../agent/model/market-event.js';

const Q96 = 2 ** 96;

const deviationParams = z.object({
  marginBps: z.number().min(0).max(10_000).default(10).describe('edge required beyond fee and gas, bps'),
  feeBps: z.number().min(0).max(10_000).optional().describe('pool fee in bps (default: market.poolFee / 100)'),
  gasCostQuote: z.number().min(0).default(5).describe('estimated gas cost of one trade, quote units'),
  maxSizeQuote: decimalAmount().default('10000').describe('largest trade to propose, quote units'),
  maxOracleAgeSeconds: z.number().int().min(1).default(3_600).describe('ignore an oracle round older than this'),
  cooldownSeconds: z.number().int().min(0).default(60).describe('least event time between two signals'),
});

/**
 * The quote value that moves the pool's price from its current sqrtPrice to `targetPrice` (base in quote,
 * human units) within the pool's current liquidity, before fees. A float estimate for a size hint.
 *
 * @example
 * quoteToMovePool(poolUpdate, 2270.5, market); // e.g. 1.2e6 (USDC) for a deep pool 50 bps off
 */
export function quoteToMovePool(
  pool: Pick<PoolUpdate, 'sqrtPriceX96' | 'liquidity'>,
  targetPrice: number,
  market: Pick<StrategyMarket, 'base' | 'quote'>,
): number {
  const token0IsBase = baseIsToken0(market);
  const humanToRaw = 10 ** (market.quote.decimals - market.base.decimals);
  const targetRaw = token0IsBase ? targetPrice * humanToRaw : 1 / (targetPrice * humanToRaw);
  const sqrtTarget = Math.sqrt(targetRaw);
  const sqrtCurrent = Number(pool.sqrtPriceX96) / Q96;
  const liquidity = Number(pool.liquidity);
  // Price up (token1 per token0) means token1 goes in; price down means token0 goes in.
  const token1In = sqrtTarget > sqrtCurrent;
  const amountIn = token1In
    ? liquidity * (sqrtTarget - sqrtCurrent)
    : liquidity * (1 / sqrtTarget - 1 / sqrtCurrent);
  const inIsBase = token1In ? !token0IsBase : token0IsBase;
  return inIsBase
    ? (amountIn / 10 ** market.base.decimals) * targetPrice
    : amountIn / 10 ** market.quote.decimals;
}

/**
 * The oracle–DEX deviation strategy.
 *
 * @example
 * createStrategyInstance(oracleDexDeviation, { id: 'arb', params: { marginBps: 15, gasCostQuote: 3 }, market });
 */
export const oracleDexDeviation = defineStrategy({
  name: 'oracle-dex-deviation',
  description: 'Trade the pool back toward the oracle when the price gap beats fee + gas + margin.',
  params: deviationParams,
  requires: ['oracle', 'pool'],
  init({ params, market }) {
    const feeBps = params.feeBps ?? (market.poolFee === undefined ? undefined : market.poolFee / 100);
    if (feeBps === undefined) {
      throw new StrategyParamsError(
        'oracle-dex-deviation',
        'feeBps',
        undefined,
        'set feeBps, or market.poolFee (hundredths of a bip, e.g. 500) to derive it',
      );
    }
    return { feeBps, maxSize: Number(params.maxSizeQuote), lastSignalTime: Number.NEGATIVE_INFINITY };
  },
  onMarket(_market, ctx) {
    const oracle = ctx.latestOracle();
    const pool = ctx.latestPool();
    if (oracle === undefined || pool === undefined) return undefined;
    const { state, params } = ctx;
    const now = ctx.now();
    const oracleAge = now - oracle.time;
    if (oracleAge > params.maxOracleAgeSeconds) return undefined;
    if (now - state.lastSignalTime < params.cooldownSeconds) return undefined;

    const reference = oraclePrice(oracle);
    const dex = poolPrice(pool, ctx.market);
    const gapBps = (Math.abs(dex - reference) / reference) * 10_000;
    // Cheap check first: even with free gas the gap must beat fee and margin.
    if (gapBps <= state.feeBps + params.marginBps) return undefined;

    const toClose =
      pool.liquidity > 0n
        ? quoteToMovePool(pool, reference, ctx.market) / (1 - state.feeBps / 10_000)
        : Number.POSITIVE_INFINITY;
    const size = Math.min(state.maxSize, toClose);
    const gasBps = size > 0 ? (params.gasCostQuote / size) * 10_000 : Number.POSITIVE_INFINITY;
    const thresholdBps = state.feeBps + gasBps + params.marginBps;
    if (gapBps <= thresholdBps) return undefined;

    state.lastSignalTime = now;
    const side = dex < reference ? 'buy' : 'sell';
    const base = ctx.market.base.symbol ?? 'base';
    const quote = ctx.market.quote.symbol ?? 'quote';
    const sizeQuote = toDecimalString(size, Math.min(ctx.market.quote.decimals, 6));
    return {
      strategyId: ctx.id,
      side,
      strength: Math.min(1, gapBps / (2 * thresholdBps)),
      sizeQuote,
      reason:
        `pool ${dex.toFixed(4)} vs oracle ${reference.toFixed(4)} ${quote} per ${base}: gap ${gapBps.toFixed(1)} bps > ` +
        `fee ${state.feeBps} + gas ${gasBps.toFixed(1)} + margin ${params.marginBps} bps; ${side} ${base} ` +
        `for ${sizeQuote} ${quote} to move the pool toward the oracle` +
        (Number.isFinite(toClose) ? ` (≈ ${toClose.toFixed(2)} ${quote} closes the gap)` : ''),
      time: now,
    };
  },
});
