import { describe, expect, it } from 'vitest';
import { createStrategyInstance, StrategyParamsError } from './define-strategy.js';
import { chainlinkEthUsdRounds } from './fixtures/real-market-data.js';
import { meanReversion } from './mean-reversion.js';
import { exampleMarket, oracleUpdate, replay } from './testing.js';

const start = 1_700_000_000;
const rounds = (prices: number[]) => prices.map((price, i) => oracleUpdate(price, start + i * 60));
const path = [100, 101, 99, 100, 98, 98, 99, 101, 99];

describe('mean-reversion', () => {
  it('enters at ±entryZ and exits toward 0, at the exact events', () => {
    const instance = createStrategyInstance(meanReversion, {
      id: 'mr',
      params: { window: 4, entryZ: 1.5, exitZ: 0.5 },
      market: exampleMarket,
    });
    // 4: z −2.83 (mean 100, sd 0.71) → buy; 5: z −1.34 hold; 6: z +0.30 → exit; 7: z +2.71 → short; 8: z 0 → exit
    const fired = replay(instance, rounds(path));
    expect(fired.map((f) => [f.index, f.signal.side])).toEqual([
      [4, 'buy'],
      [6, 'sell'],
      [7, 'sell'],
      [8, 'buy'],
    ]);
    expect(fired[0]!.signal.reason).toBe(
      'z-score -2.83 ≤ −1.5: enter long (oracle price 98.0000, mean 100.0000, stddev 0.7071 over 4 events)',
    );
    expect(fired[0]!.signal.time).toBe(start + 4 * 60);
  });

  it('never enters short when longOnly', () => {
    const instance = createStrategyInstance(meanReversion, {
      id: 'mr',
      params: { window: 4, entryZ: 1.5, exitZ: 0.5, longOnly: true },
      market: exampleMarket,
    });
    expect(replay(instance, rounds(path)).map((f) => [f.index, f.signal.side])).toEqual([
      [4, 'buy'],
      [6, 'sell'],
    ]);
  });

  it('is silent until the window is full, however far the price jumps', () => {
    const instance = createStrategyInstance(meanReversion, { id: 'mr', params: { window: 5 }, market: exampleMarket });
    expect(replay(instance, rounds([100, 200, 50, 300, 10]))).toEqual([]);
  });

  it('is silent on a flat price (no spread, no z-score)', () => {
    const instance = createStrategyInstance(meanReversion, { id: 'mr', params: { window: 3 }, market: exampleMarket });
    expect(replay(instance, rounds([5, 5, 5, 5, 5, 5]))).toEqual([]);
  });

  it('alternates entries and exits over the real ETH/USD rounds', () => {
    const instance = createStrategyInstance(meanReversion, { id: 'mr', params: { window: 48 }, market: exampleMarket });
    const fired = replay(instance, chainlinkEthUsdRounds());
    expect(fired.length).toBeGreaterThan(4);
    for (let i = 1; i < fired.length; i += 2) {
      // every odd signal closes the position the previous one opened: opposite side
      expect(fired[i]!.signal.side).not.toBe(fired[i - 1]!.signal.side);
      expect(fired[i]!.signal.reason).toMatch(/exit/);
      expect(fired[i - 1]!.signal.reason).toMatch(/enter/);
    }
  });

  it('rejects params it cannot use', () => {
    const make = (params: unknown) => createStrategyInstance(meanReversion, { id: 'mr', params, market: exampleMarket });
    expect(() => make({ exitZ: 3 })).toThrow(StrategyParamsError);
    expect(() => make({ exitZ: 3 })).toThrow(/"exitZ"[\s\S]*exitZ must be smaller than entryZ/);
    expect(() => make({ window: 1 })).toThrow(/"window"[\s\S]*Got 1/);
    expect(() => make({ entryZ: -1 })).toThrow(/"entryZ"/);
  });
});
