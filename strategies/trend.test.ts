import { describe, expect, it } from 'vitest';
import { createStrategyInstance, StrategyMarketError, StrategyParamsError } from './define-strategy.js';
import { chainlinkEthUsdRounds } from './fixtures/real-market-data.js';
import { exampleMarket, oracleUpdate, poolUpdate, replay } from './testing.js';
import { trend } from './trend.js';

const start = 1_700_000_000;
const rounds = (prices: number[]) => prices.map((price, i) => oracleUpdate(price, start + i * 60));

describe('trend', () => {
  it('buys exactly at the event where the fast average crosses above, and sells where it crosses below', () => {
    const instance = createStrategyInstance(trend, { id: 't1', params: { fastPeriod: 2, slowPeriod: 4 }, market: exampleMarket });
    // index 3: fast 7.5 < slow 8.5 (side known, no signal); index 6: fast 9 > slow 7.75; index 9: fast 6 < slow 8.5
    const fired = replay(instance, rounds([10, 9, 8, 7, 6, 8, 10, 12, 8, 4]));
    expect(fired.map((f) => [f.index, f.signal.side])).toEqual([
      [6, 'buy'],
      [9, 'sell'],
    ]);
    const buy = fired[0]!.signal;
    expect(buy.strategyId).toBe('t1');
    expect(buy.time).toBe(start + 6 * 60);
    expect(buy.strength).toBe(1);
    expect(buy.reason).toContain('fast SMA(2) 9.0000 crossed above slow SMA(4) 7.7500');
  });

  it('stays silent during warm-up and when the first reading after warm-up is already a trend', () => {
    const instance = createStrategyInstance(trend, { id: 't', params: { fastPeriod: 3, slowPeriod: 5 }, market: exampleMarket });
    expect(replay(instance, rounds([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toEqual([]);
  });

  it('does not signal when the averages only touch', () => {
    const instance = createStrategyInstance(trend, { id: 't', params: { fastPeriod: 1, slowPeriod: 2 }, market: exampleMarket });
    // after 10,9: below; 9 → fast 9 = slow 9 (touch); 8 → below again: no cross
    expect(replay(instance, rounds([10, 9, 9, 8, 7]))).toEqual([]);
  });

  it('crosses with EMAs too, once per cross', () => {
    const instance = createStrategyInstance(trend, {
      id: 't',
      params: { fastPeriod: 2, slowPeriod: 4, average: 'ema', sizeQuote: '250' },
      market: exampleMarket,
    });
    const fired = replay(instance, rounds([10, 10, 10, 9, 8, 7, 7, 9, 11, 13, 15]));
    expect(fired.map((f) => f.signal.side)).toEqual(['buy']);
    expect(fired[0]!.signal.sizeQuote).toBe('250');
    expect(fired[0]!.signal.reason).toContain('EMA(2)');
  });

  it('can read the pool price instead of the oracle', () => {
    const instance = createStrategyInstance(trend, {
      id: 't',
      params: { fastPeriod: 2, slowPeriod: 4, priceSource: 'pool' },
      market: exampleMarket,
    });
    const prices = [10, 9, 8, 7, 6, 8, 10, 12].map((p) => p * 200);
    const events = prices.flatMap((price, i) => [oracleUpdate(9999, start + i * 60), poolUpdate(price, start + i * 60 + 1)]);
    const fired = replay(instance, events);
    expect(fired.map((f) => [f.index, f.signal.side])).toEqual([[13, 'buy']]);
  });

  it('alternates buy and sell over the real ETH/USD rounds, each at its round time', () => {
    const data = chainlinkEthUsdRounds();
    const instance = createStrategyInstance(trend, { id: 'real', params: { fastPeriod: 12, slowPeriod: 48 }, market: exampleMarket });
    const fired = replay(instance, data);
    expect(fired.length).toBeGreaterThan(10);
    fired.forEach((f, i) => {
      expect(f.signal.side).toBe(i % 2 === 0 ? fired[0]!.signal.side : fired[0]!.signal.side === 'buy' ? 'sell' : 'buy');
      expect(f.signal.time).toBe(data[f.index]!.time);
      expect(f.index).toBeGreaterThanOrEqual(48);
    });
    const again = replay(createStrategyInstance(trend, { id: 'real', params: { fastPeriod: 12, slowPeriod: 48 }, market: exampleMarket }), data);
    expect(again).toEqual(fired);
  });

  it('rejects params it cannot use, naming the key and what is allowed', () => {
    const make = (params: unknown) => createStrategyInstance(trend, { id: 't', params, market: exampleMarket });
    expect(() => make({ fastPeriod: 30, slowPeriod: 30 })).toThrow(StrategyParamsError);
    expect(() => make({ fastPeriod: 30, slowPeriod: 30 })).toThrow(/fastPeriod must be smaller than slowPeriod/);
    expect(() => make({ fastPeriod: 0 })).toThrow(/Invalid param "fastPeriod" for strategy "trend"[\s\S]*Got 0/);
    expect(() => make({ average: 'wma' })).toThrow(/"average"[\s\S]*"wma"/);
    expect(() => make({ slowperiod: 5 })).toThrow(/has no such param; its params are fastPeriod, slowPeriod/);
    expect(() => make({ sizeQuote: '-5' })).toThrow(/sizeQuote/);
  });

  it('requires the configured price source', () => {
    const { oracle: _oracle, ...withoutOracle } = exampleMarket;
    expect(() => createStrategyInstance(trend, { id: 't', market: withoutOracle })).toThrow(StrategyMarketError);
    expect(() => createStrategyInstance(trend, { id: 't', params: { priceSource: 'pool' }, market: withoutOracle })).not.toThrow();
  });
});
