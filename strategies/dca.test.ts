import { describe, expect, it } from 'vitest';
import { createStrategyInstance, StrategyParamsError } from './define-strategy.js';
import { dca } from './dca.js';
import { chainlinkEthUsdRounds } from './fixtures/real-market-data.js';
import { exampleMarket, oracleUpdate, poolUpdate, replay } from './testing.js';

const t0 = 1_700_000_000;

describe('dca', () => {
  it('buys the fixed amount at the first event, then at the first event of each interval', () => {
    const instance = createStrategyInstance(dca, {
      id: 'dca',
      params: { intervalSeconds: 100, amountQuote: '250.5' },
      market: exampleMarket,
    });
    const times = [0, 30, 99, 100, 150, 230, 299, 300];
    const fired = replay(instance, times.map((dt) => oracleUpdate(2000, t0 + dt)));
    expect(fired.map((f) => f.index)).toEqual([0, 3, 5, 7]);
    expect(fired.map((f) => f.signal.time)).toEqual([t0, t0 + 100, t0 + 230, t0 + 300]);
    for (const { signal } of fired) {
      expect(signal).toMatchObject({ strategyId: 'dca', side: 'buy', strength: 1, sizeQuote: '250.5' });
    }
    expect(fired[0]!.signal.reason).toBe(
      'DCA #1: buy 250.5 USDC worth of WETH (every 100 s, due at 1700000000, oracle price 2000.0000)',
    );
  });

  it('buys once after a gap and keeps its schedule', () => {
    const instance = createStrategyInstance(dca, { id: 'dca', params: { intervalSeconds: 100 }, market: exampleMarket });
    const fired = replay(instance, [0, 450, 499, 500].map((dt) => oracleUpdate(2000, t0 + dt)));
    expect(fired.map((f) => f.index)).toEqual([0, 1, 3]);
    expect(fired[1]!.signal.reason).toContain('due at 1700000100, 3 missed interval(s) not caught up');
    expect(fired[1]!.signal.sizeQuote).toBe('100');
  });

  it('waits for startTime and counts pool events as time too', () => {
    const instance = createStrategyInstance(dca, {
      id: 'dca',
      params: { intervalSeconds: 60, startTime: t0 + 120, side: 'sell' },
      market: exampleMarket,
    });
    const events = [0, 60, 119, 120, 121, 180].map((dt) => poolUpdate(2000, t0 + dt));
    const fired = replay(instance, events);
    expect(fired.map((f) => [f.index, f.signal.side])).toEqual([
      [3, 'sell'],
      [5, 'sell'],
    ]);
  });

  it('buys once a day over the real ETH/USD rounds', () => {
    const rounds = chainlinkEthUsdRounds();
    const instance = createStrategyInstance(dca, { id: 'dca', market: exampleMarket });
    const fired = replay(instance, rounds);
    const days = (rounds.at(-1)!.time - rounds[0]!.time) / 86_400;
    expect(fired.length).toBeGreaterThanOrEqual(Math.floor(days) - 1);
    expect(fired.length).toBeLessThanOrEqual(Math.ceil(days) + 1);
    for (let i = 1; i < fired.length; i += 1) {
      expect(fired[i]!.signal.time - fired[i - 1]!.signal.time).toBeGreaterThan(0);
    }
  });

  it('rejects a bad amount or interval', () => {
    const make = (params: unknown) => createStrategyInstance(dca, { id: 'dca', params, market: exampleMarket });
    expect(() => make({ amountQuote: 100 })).toThrow(StrategyParamsError);
    expect(() => make({ amountQuote: '1e3' })).toThrow(/"amountQuote"[\s\S]*a decimal string/);
    expect(() => make({ intervalSeconds: 0.5 })).toThrow(/"intervalSeconds"/);
  });
});
