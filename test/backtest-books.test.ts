/**
 * Honest books (issue 10, part 6): on random and adversarial series (tiny and huge prices, 18-decimal
 * feeds, huge gas, little capital), equity never goes below zero and the max drawdown stays within 100 %;
 * and return, buy-and-hold, max drawdown and Sharpe equal an independent computation from the events and
 * the fills.
 */
import { describe, expect, it } from 'vitest';
import type { OracleUpdate } from '../agent/model/market-event.js';
import { createSeededRandom } from '../agent/devnet/seeded-random.js';
import { backtestMarket } from '../backtest/backtest-market.js';
import { SECONDS_PER_YEAR } from '../backtest/metrics.js';
import { runBacktest, type BacktestResult } from '../backtest/run-backtest.js';

const feed = backtestMarket.oracle!;
const start = 1_704_067_200;

/** A geometric random walk of `count` oracle rounds, one a minute, with `decimals` answer decimals. */
function walk(seed: number, count: number, startPrice: number, volatility: number, decimals: number): OracleUpdate[] {
  const random = createSeededRandom(seed);
  let price = startPrice;
  return Array.from({ length: count }, (_, i) => {
    price *= Math.exp(volatility * (random.next() * 2 - 1));
    const answer = BigInt(Math.max(1, Math.round(price * 10 ** Math.min(decimals, 12)))) * 10n ** BigInt(Math.max(0, decimals - 12));
    return { kind: 'oracle', feed, roundId: BigInt(i + 1), answer, decimals, updatedAt: BigInt(start + i * 60), time: start + i * 60 };
  });
}

const busy = { fastPeriod: 2, slowPeriod: 3 };
const loose = { risk: { cooldownSeconds: 0, maxSlippageBps: 2000, maxOracleAgeSeconds: 86_400, allowance: { capUsd: '1000000000', refillUsd: '1000000000' }, maxTradeUsd: '1000000000' }, execution: { slippageBps: 1500 } };

describe('equity never below zero, drawdown within 100 %', () => {
  const cases = [
    { name: 'ordinary', prices: [2000, 0.01], decimals: 8, gasPriceGwei: '20', capital: '100000' },
    { name: 'tiny prices', prices: [0.000002, 0.02], decimals: 18, gasPriceGwei: '20', capital: '100' },
    { name: 'huge prices', prices: [900_000, 0.02], decimals: 8, gasPriceGwei: '20', capital: '1000' },
    { name: '18-decimal feed', prices: [1.02, 0.005], decimals: 18, gasPriceGwei: '20', capital: '50' },
    { name: 'huge gas', prices: [2000, 0.01], decimals: 8, gasPriceGwei: '100000', capital: '5000' },
    { name: 'crash to dust', prices: [2000, 0.2], decimals: 8, gasPriceGwei: '200', capital: '2000' },
  ];
  for (const [index, testCase] of cases.entries()) {
    it(`${testCase.name}`, async () => {
      for (const seed of [1, 2, 3]) {
        const events = walk(seed + index * 10, 600, testCase.prices[0]!, testCase.prices[1]!, testCase.decimals);
        const result = await runBacktest({
          strategy: 'trend',
          params: busy,
          data: events,
          settings: { ...loose, execution: { ...loose.execution, maxTradeSizeUsd: testCase.capital }, backtest: { initialCapitalUsd: testCase.capital, gasPriceGwei: testCase.gasPriceGwei, latencyBlocks: 0 } },
          sampleSeconds: 60,
          maxCurvePoints: 100_000,
        });
        expect(result.metrics.trades + Object.values(result.failuresByReason).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        expect(result.metrics.finalEquity).toBeGreaterThanOrEqual(0);
        for (const point of result.equityCurve) expect(point.equity, `${testCase.name} seed ${seed}`).toBeGreaterThanOrEqual(-1e-9);
        expect(result.metrics.maxDrawdown).toBeGreaterThanOrEqual(0);
        expect(result.metrics.maxDrawdown).toBeLessThanOrEqual(1);
        if (testCase.name === 'huge gas') expect(result.failuresByReason.InsufficientFundsForGas).toBeGreaterThan(0);
      }
    });
  }
});

/** Equity after every event, from the fills alone: what the metrics must agree with. */
function independentEquity(events: readonly OracleUpdate[], result: BacktestResult, capital: number) {
  const { base, quote } = result.market;
  let baseHeld = 0;
  let quoteHeld = capital;
  let next = 0;
  const trades = [...result.trades].sort((a, b) => a.time - b.time);
  return events.map((event) => {
    while (next < trades.length && trades[next]!.time <= event.time) {
      const trade = trades[next++]!;
      const inBase = trade.tokenIn === base.address;
      const amountIn = Number(trade.amountIn) / 10 ** (inBase ? base.decimals : quote.decimals);
      const amountOut = Number(trade.amountOut) / 10 ** (inBase ? quote.decimals : base.decimals);
      if (inBase) (baseHeld -= amountIn), (quoteHeld += amountOut);
      else (quoteHeld -= amountIn), (baseHeld += amountOut);
      const gas = Number(trade.gasPaid.amount) / 10 ** (trade.gasPaid.token === base.address ? base.decimals : quote.decimals);
      if (trade.gasPaid.token === base.address) baseHeld -= gas;
      else quoteHeld -= gas;
    }
    const price = Number(event.answer) / 10 ** event.decimals;
    return { time: event.time, price, equity: quoteHeld + baseHeld * price };
  });
}

describe('metrics against an independent computation', () => {
  it('return, buy-and-hold, max drawdown and Sharpe match the fills and the prices', async () => {
    const events = walk(42, 2000, 2000, 0.004, 8);
    const capital = 100_000;
    const result = await runBacktest({
      strategy: 'trend',
      params: { fastPeriod: 5, slowPeriod: 20 },
      data: events,
      settings: { ...loose, execution: { ...loose.execution, maxTradeSizeUsd: '20000' }, backtest: { initialCapitalUsd: String(capital), latencyBlocks: 0 } },
      sampleSeconds: 3600,
    });
    expect(result.trades.length).toBeGreaterThan(10);
    const path = independentEquity(events, result, capital);
    const final = path.at(-1)!.equity;
    expect(result.metrics.finalEquity).toBeCloseTo(final, 6);
    expect(result.metrics.totalReturn).toBeCloseTo(final / capital - 1, 9);
    expect(result.metrics.buyAndHoldReturn).toBeCloseTo(path.at(-1)!.price / path[0]!.price - 1, 12);

    let peak = capital;
    let worst = 0;
    for (const { equity } of path) {
      peak = Math.max(peak, equity);
      worst = Math.max(worst, (peak - equity) / peak);
    }
    expect(result.metrics.maxDrawdown).toBeCloseTo(worst, 9);

    // Sharpe of hourly returns: equity at the last event of each hour (the first event opens the series).
    const samples = [path[0]!.equity];
    let hourEnd = Math.floor(path[0]!.time / 3600) * 3600 + 3600;
    for (let i = 1; i < path.length; i++) {
      if (path[i]!.time >= hourEnd) {
        samples.push(path[i - 1]!.equity);
        hourEnd = Math.floor(path[i]!.time / 3600) * 3600 + 3600;
      }
    }
    samples.push(final);
    const returns = samples.slice(1).map((value, i) => value / samples[i]! - 1);
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1));
    expect(result.metrics.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(SECONDS_PER_YEAR / 3600), 6);
  });
});
