import type { BacktestTrade } from './simulated-executor.js';
import { compoundAnnualGrowth, SECONDS_PER_YEAR, sharpeRatio, sortinoRatio, type BacktestMetrics } from './metrics.js';

/** One point of the downsampled equity curve. */
export type EquityPoint = {
  /** Unix seconds (the last market price at or before the sample's end). */
  time: number;
  /** Portfolio value in quote units (gas was paid out of it). */
  equity: number;
  /** The initial capital held in the base token from the first price. */
  buyAndHold: number;
  /** The market price, quote per base. */
  price: number;
  /** Fall from the running peak of equity, a fraction (0 at a new high). */
  drawdown: number;
};

export type CreateEquityTrackerParameters = {
  /** Initial capital, quote units, all held in the quote token. */
  initialQuote: number;
  /** Sampling interval for returns (and the curve), seconds. */
  sampleSeconds: number;
  /** At most this many points in the returned curve (evenly spaced samples plus the last). */
  maxPoints: number;
};

/**
 * Follows the portfolio through a backtest: holdings from each fill, value at each market price (the hot
 * path: a few float operations per event), max drawdown on every event, and one sample per interval for
 * the ratios and the curve. Money here is float: these are measurements, never amounts sent on chain.
 *
 * @example
 * const tracker = createEquityTracker({ initialQuote: 100_000, sampleSeconds: 3600, maxPoints: 2000 });
 * tracker.onPrice(time, 2297.5);
 * tracker.onTrade(trade);
 */
export function createEquityTracker(parameters: CreateEquityTrackerParameters) {
  const { initialQuote, sampleSeconds, maxPoints } = parameters;
  let quote = initialQuote;
  let base = 0;
  let gas = 0;
  let fees = 0;
  let trades = 0;
  // Round trips against the average cost of the base held.
  let costBasis = 0;
  let roundTrips = 0;
  let wins = 0;

  let firstPrice: number | undefined;
  let firstTime: number | undefined;
  let price = 0;
  let time = 0;
  let equity = initialQuote;
  // The last event while flat, priced only if needed.
  let lastEvent: unknown;
  let lastPriceOf: ((event: never) => number) | undefined;
  let pendingPrice: (() => number) | undefined;
  // The highest and lowest-since-that-high price ranks since the last trade (see onEvent).
  let highRank: bigint | undefined;
  let lowRank: bigint | undefined;
  const pricePending = (): number => (lastPriceOf as (event: unknown) => number)(lastEvent);
  let peak = initialQuote;
  let maxDrawdown = 0;

  // Samples: the state at the last price of each interval.
  let sampleEnd = Number.NEGATIVE_INFINITY;
  let count = 0;
  let times = new Float64Array(1024);
  let equities = new Float64Array(1024);
  let prices = new Float64Array(1024);
  const pushSample = (): void => {
    if (count === times.length) {
      const grow = (array: Float64Array) => {
        const bigger = new Float64Array(array.length * 2);
        bigger.set(array);
        return bigger;
      };
      times = grow(times);
      equities = grow(equities);
      prices = grow(prices);
    }
    times[count] = time;
    equities[count] = equity;
    prices[count] = price;
    count++;
  };

  /** The interval before `at` closed at the last price before it, with the holdings of then. */
  const closeInterval = (at: number): void => {
    if (pendingPrice !== undefined) {
      price = pendingPrice();
      equity = quote + base * price;
    }
    pendingPrice = undefined;
    pushSample();
    sampleEnd = Math.floor(at / sampleSeconds) * sampleSeconds + sampleSeconds;
  };

  return {
    /**
     * A market price event at `at` (unix seconds); `priceOf(event)` gives its price in quote per base and
     * `rankOf(event)` a bigint ordered like that price (the oracle answer; ± sqrtPriceX96 for a pool). The
     * conversion to a float is the costly part, so it runs only when the value can matter: between two
     * trades the holdings are fixed and equity rises and falls with the price, so only a new high since the
     * last trade (a possible new peak) or a new low since that high (a possible new drawdown) is priced,
     * plus the last event of each sample interval. The max drawdown is still exact on every event.
     */
    onEvent<E>(at: number, event: E, priceOf: (event: E) => number, rankOf: (event: E) => bigint): void {
      if (firstPrice === undefined) {
        const value = priceOf(event);
        firstPrice = value;
        firstTime = at;
        sampleEnd = Math.floor(at / sampleSeconds) * sampleSeconds + sampleSeconds;
        time = at;
        price = value;
        pushSample();
      } else if (at >= sampleEnd) closeInterval(at);
      time = at;
      lastEvent = event;
      lastPriceOf = priceOf;
      pendingPrice = pricePending;
      if (base === 0) return; // flat: equity cannot move
      const rank = rankOf(event);
      if (highRank === undefined || rank > highRank) {
        highRank = rank;
        lowRank = rank;
      } else if (rank < lowRank!) lowRank = rank;
      else return;
      pendingPrice = undefined;
      price = priceOf(event);
      equity = quote + base * price;
      if (equity > peak) peak = equity;
      else if (peak > 0) {
        const drawdown = (peak - equity) / peak;
        if (drawdown > maxDrawdown) maxDrawdown = drawdown;
      }
    },
    /** A market price (quote per base) at `at` (unix seconds): revalues the portfolio. */
    onPrice(at: number, value: number): void {
      if (firstPrice === undefined) {
        firstPrice = value;
        firstTime = at;
        sampleEnd = Math.floor(at / sampleSeconds) * sampleSeconds + sampleSeconds;
        time = at;
        price = value;
        pushSample();
      } else if (at >= sampleEnd) {
        if (pendingPrice !== undefined) price = pendingPrice();
        pendingPrice = undefined;
        pushSample();
        sampleEnd = Math.floor(at / sampleSeconds) * sampleSeconds + sampleSeconds;
      }
      pendingPrice = undefined;
      time = at;
      price = value;
      equity = quote + base * value;
      if (equity > peak) peak = equity;
      else if (peak > 0) {
        const drawdown = (peak - equity) / peak;
        if (drawdown > maxDrawdown) maxDrawdown = drawdown;
      }
    },
    /**
     * A fill, with amounts converted by the decimals of its tokens. Its gas left the portfolio in the token
     * that paid it, so equity is what the holdings are worth and can never go below zero.
     */
    onTrade(trade: BacktestTrade, market: { base: { address: string; decimals: number }; quote: { decimals: number } }): void {
      // A fill at the event that opens a new interval: the old one closes with the holdings before it.
      if (firstPrice !== undefined && trade.time >= sampleEnd) closeInterval(trade.time);
      const baseDecimals = market.base.decimals;
      const quoteDecimals = market.quote.decimals;
      if (pendingPrice !== undefined) price = pendingPrice();
      pendingPrice = undefined;
      highRank = undefined;
      lowRank = undefined;
      const baseScale = 10 ** baseDecimals;
      const quoteScale = 10 ** quoteDecimals;
      trades++;
      fees += trade.feeQuote;
      gas += trade.gasQuote;
      if (trade.side === 'buy') {
        const spent = Number(trade.amountIn) / quoteScale;
        quote -= spent;
        base += Number(trade.amountOut) / baseScale;
        costBasis += spent;
      } else {
        const sold = Number(trade.amountIn) / baseScale;
        const proceeds = Number(trade.amountOut) / quoteScale;
        if (base > 0) {
          const share = Math.min(1, sold / base);
          const cost = costBasis * share;
          roundTrips++;
          if (proceeds > cost) wins++;
          costBasis -= cost;
        }
        base -= sold;
        quote += proceeds;
      }
      if (trade.gasPaid.token === market.base.address) base -= Number(trade.gasPaid.amount) / baseScale;
      else quote -= Number(trade.gasPaid.amount) / quoteScale;
      equity = quote + base * (price || trade.marketPrice);
      if (equity > peak) peak = equity;
      else if (peak > 0 && (peak - equity) / peak > maxDrawdown) maxDrawdown = (peak - equity) / peak;
    },
    /** The metrics and curve so far (call at the end). */
    finish(extra: { denialsByReason: Record<string, number>; reasonerCalls: number }): { metrics: BacktestMetrics; equityCurve: EquityPoint[] } {
      if (pendingPrice !== undefined) price = pendingPrice();
      pendingPrice = undefined;
      equity = quote + base * price;
      if (firstPrice !== undefined && (count === 0 || times[count - 1] !== time || equities[count - 1] !== equity)) pushSample();
      const returns = new Float64Array(Math.max(0, count - 1));
      for (let i = 1; i < count; i++) returns[i - 1] = equities[i - 1]! > 0 ? equities[i]! / equities[i - 1]! - 1 : 0;
      const periodsPerYear = SECONDS_PER_YEAR / sampleSeconds;
      const span = firstTime === undefined ? 0 : time - firstTime;
      const denials = Object.values(extra.denialsByReason).reduce((sum, n) => sum + n, 0);
      const metrics: BacktestMetrics = {
        initialEquity: initialQuote,
        finalEquity: equity,
        totalReturn: equity / initialQuote - 1,
        buyAndHoldReturn: firstPrice === undefined ? 0 : price / firstPrice - 1,
        cagr: compoundAnnualGrowth(initialQuote, equity, span),
        sharpe: sharpeRatio(returns, periodsPerYear),
        sortino: sortinoRatio(returns, periodsPerYear),
        maxDrawdown,
        trades,
        roundTrips,
        winRate: roundTrips > 0 ? wins / roundTrips : undefined,
        fees,
        gas,
        denials,
        denialsByReason: extra.denialsByReason,
        reasonerCalls: extra.reasonerCalls,
        sampleSeconds,
        firstTime,
        lastTime: firstTime === undefined ? undefined : time,
      };
      const equityCurve: EquityPoint[] = [];
      const step = Math.max(1, Math.ceil(count / Math.max(1, maxPoints - 1)));
      let runningPeak = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < count; i++) {
        const value = equities[i]!;
        if (value > runningPeak) runningPeak = value;
        if (i % step !== 0 && i !== count - 1) continue;
        equityCurve.push({
          time: times[i]!,
          equity: value,
          buyAndHold: firstPrice === undefined ? initialQuote : (initialQuote * prices[i]!) / firstPrice,
          price: prices[i]!,
          drawdown: runningPeak > 0 ? (runningPeak - value) / runningPeak : 0,
        });
      }
      return { metrics, equityCurve };
    },
  };
}
export type EquityTracker = ReturnType<typeof createEquityTracker>;
