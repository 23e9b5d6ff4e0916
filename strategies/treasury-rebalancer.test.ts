import { describe, expect, it } from 'vitest';
import { createStrategyInstance, StrategyParamsError } from './define-strategy.js';
import { exampleMarket, createSnapshotTracker, oracleUpdate, replay } from './testing.js';
import { treasuryRebalancer } from './treasury-rebalancer.js';

const t0 = 1_700_000_000;
const weth = exampleMarket.base.address; // checksummed on purpose: keys are matched case-insensitively
const usdc = exampleMarket.quote.address;
const holdings = (wethUnits: bigint, usdcUnits: bigint) => new Map([[weth, wethUnits], [usdc, usdcUnits]]);

describe('treasury-rebalancer', () => {
  it('sells base back to the target when its share drifts above the band, sized in quote', () => {
    const instance = createStrategyInstance(treasuryRebalancer, {
      id: 'dao',
      params: { targetBaseWeight: 0.5, driftBand: 0.05 },
      market: exampleMarket,
      balances: holdings(10n ** 18n, 1_000_000_000n), // 1 WETH + 1,000 USDC
    });
    const fired = replay(instance, [oracleUpdate(2000, t0)]);
    // 2,000 / 3,000 = 66.67 % base: sell 16.67 % of 3,000 = 500 USDC worth
    expect(fired).toHaveLength(1);
    expect(fired[0]!.signal).toMatchObject({ strategyId: 'dao', side: 'sell', strength: 1, time: t0 });
    expect(Number(fired[0]!.signal.sizeQuote)).toBeCloseTo(500, 4);
    expect(fired[0]!.signal.reason).toMatch(/^WETH is 66\.67% of 3000\.00 USDC \(target 50\.00% ± 5\.00%\) at oracle price 2000\.0000: sell 500(\.\d+)? USDC of WETH/);
  });

  it('follows the balances the kernel sets and the price, and buys when base is underweight', () => {
    const tracker = createSnapshotTracker();
    const instance = createStrategyInstance(treasuryRebalancer, {
      id: 'dao',
      params: { cooldownSeconds: 0 },
      market: exampleMarket,
    });
    // no balances yet: nothing to rebalance
    expect(instance.onMarket(tracker.apply(oracleUpdate(2000, t0)))).toBeUndefined();
    instance.setBalances(holdings(75n * 10n ** 16n, 1_500_000_000n)); // 0.75 WETH + 1,500 USDC: 50 %
    expect(instance.onMarket(tracker.apply(oracleUpdate(2000, t0 + 1)))).toBeUndefined();
    // at 2,200: 1,650 / 3,150 = 52.4 %, inside the band
    expect(instance.onMarket(tracker.apply(oracleUpdate(2200, t0 + 2)))).toBeUndefined();
    // at 2,500: 1,875 / 3,375 = 55.56 %: sell 5.56 % of 3,375 = 187.5
    const sell = instance.onMarket(tracker.apply(oracleUpdate(2500, t0 + 3)));
    expect(sell?.side).toBe('sell');
    expect(Number(sell?.sizeQuote)).toBeCloseTo(187.5, 4);
    // at 1,500: 1,125 / 2,625 = 42.86 %: buy 7.14 % of 2,625 = 187.5
    const buy = instance.onMarket(tracker.apply(oracleUpdate(1500, t0 + 4)));
    expect(buy?.side).toBe('buy');
    expect(Number(buy?.sizeQuote)).toBeCloseTo(187.5, 4);
  });

  it('waits cooldownSeconds between signals and skips trades below minTradeQuote', () => {
    const instance = createStrategyInstance(treasuryRebalancer, {
      id: 'dao',
      params: { cooldownSeconds: 600 },
      market: exampleMarket,
      balances: holdings(10n ** 18n, 0n),
    });
    const fired = replay(instance, [0, 300, 599, 600].map((dt) => oracleUpdate(2000, t0 + dt)));
    expect(fired.map((f) => f.index)).toEqual([0, 3]);

    const tiny = createStrategyInstance(treasuryRebalancer, {
      id: 'dao',
      params: { minTradeQuote: '50' },
      market: exampleMarket,
      balances: holdings(10n ** 16n, 0n), // 0.01 WETH = 20 USDC, all base: a 10 USDC trade
    });
    expect(replay(tiny, [oracleUpdate(2000, t0)])).toEqual([]);
  });

  it('rejects weights and bands it cannot use', () => {
    const make = (params: unknown) => createStrategyInstance(treasuryRebalancer, { id: 'dao', params, market: exampleMarket });
    expect(() => make({ targetBaseWeight: 1.5 })).toThrow(StrategyParamsError);
    expect(() => make({ targetBaseWeight: 1.5 })).toThrow(/"targetBaseWeight"[\s\S]*Got 1\.5/);
    expect(() => make({ driftBand: 0 })).toThrow(/"driftBand"/);
  });
});
