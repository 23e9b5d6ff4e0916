import { describe, expect, it } from 'vitest';
import { createEquityTracker } from './equity-tracker.js';
import { maxDrawdownOf } from './metrics.js';
import { createSeededRandom } from './sources/seeded-random.js';
import type { BacktestTrade } from './simulated-executor.js';
import { toAddress } from '../agent/model/address.js';

const base = { address: toAddress('0x0000000000000000000000000000000000000002'), decimals: 18 };
const quote = { address: toAddress('0x0000000000000000000000000000000000000001'), decimals: 6 };
const market = { base, quote };
/** A trade whose gas (1 quote unit) was paid in the quote token. */
const trade = (side: 'buy' | 'sell', amountIn: bigint, amountOut: bigint, price: number): BacktestTrade => ({
  time: 0, decidedAt: 0, decisionId: '0x01', side, tokenIn: side === 'buy' ? quote.address : base.address, tokenOut: side === 'buy' ? base.address : quote.address,
  amountIn, amountOut, fee: 500, price, marketPrice: price, feeQuote: 0, gasPaid: { token: quote.address, amount: 1_000_000n }, gasQuote: 1, ticksCrossed: 0,
});

describe('equity tracker', () => {
  it('prices only highs and lows between trades, yet finds the same max drawdown as pricing every event', () => {
    const random = createSeededRandom(9);
    const tracker = createEquityTracker({ initialQuote: 10_000, sampleSeconds: 60, maxPoints: 100 });
    let quote = 10_000;
    let base = 0;
    let gas = 0;
    const equities: number[] = [];
    let price = 2000;
    let priced = 0;
    for (let i = 0; i < 20_000; i++) {
      price *= Math.exp(0.003 * random.normal());
      const answer = BigInt(Math.round(price * 1e8));
      const exact = Number(answer) / 1e8;
      tracker.onEvent(i, answer, (a) => (priced++, Number(a) / 1e8), (a) => a);
      if (i % 500 === 250 && base === 0) {
        const spend = 5_000;
        const bought = spend / exact;
        tracker.onTrade(trade('buy', BigInt(spend * 1e6), BigInt(Math.round(bought * 1e18)), exact), market);
        quote -= spend;
        base = Number(BigInt(Math.round(bought * 1e18))) / 1e18;
        gas += 1;
      } else if (i % 500 === 0 && base > 0) {
        const units = BigInt(Math.round(base * 1e18));
        const proceeds = Math.floor(base * exact * 1e6) / 1e6;
        tracker.onTrade(trade('sell', units, BigInt(Math.round(proceeds * 1e6)), exact), market);
        quote += Number(BigInt(Math.round(proceeds * 1e6))) / 1e6;
        base = 0;
        gas += 1;
      }
      equities.push(quote + base * exact - gas);
    }
    const { metrics, equityCurve } = tracker.finish({ denialsByReason: {}, reasonerCalls: 0 });
    expect(metrics.maxDrawdown).toBeCloseTo(maxDrawdownOf([10_000, ...equities]), 9);
    expect(metrics.finalEquity).toBeCloseTo(equities.at(-1)!, 6);
    expect(metrics.roundTrips).toBe(Math.floor(metrics.trades / 2));
    expect(equityCurve.length).toBeLessThanOrEqual(101);
    expect(priced).toBeLessThan(20_000 / 2);
  });
});
