import { describe, expect, it } from 'vitest';
import { createStrategyInstance, exampleMarket, oracleUpdate, replay, StrategyParamsError } from 'mandate';
import { smaBand } from './sma-band.js';

describe('sma-band', () => {
  it('buys once, at the event where the price leaves the band upward', () => {
    const instance = createStrategyInstance(smaBand, {
      id: 'band',
      params: { period: 3, bandBps: 100 },
      market: exampleMarket,
    });
    const prices = [100, 100, 100, 100.5, 102, 103, 104];
    const fired = replay(instance, prices.map((price, i) => oracleUpdate(price, 1_700_000_000 + i * 60)));
    expect(fired.map((f) => [f.index, f.signal.side])).toEqual([[4, 'buy']]);
    expect(fired[0]!.signal.reason).toBe('price 102.00 left SMA(3) 100.17 ± 100 bps');
  });

  it('rejects a negative band', () => {
    const make = () => createStrategyInstance(smaBand, { id: 'band', params: { bandBps: -1 }, market: exampleMarket });
    expect(make).toThrow(StrategyParamsError);
  });
});
