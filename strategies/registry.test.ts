import { describe, expect, it } from 'vitest';
import { createStrategyInstance, UnknownStrategyError } from './define-strategy.js';
import { builtinStrategies, builtinStrategyNames, getBuiltinStrategy } from './registry.js';
import { chainlinkEthUsdRounds } from './fixtures/real-market-data.js';
import { exampleMarket, replay } from './testing.js';

describe('registry', () => {
  it('lists the five built-ins, each registered under its own name with a description', () => {
    expect(builtinStrategyNames).toEqual(['trend', 'mean-reversion', 'oracle-dex-deviation', 'treasury-rebalancer', 'dca']);
    expect(Object.keys(builtinStrategies).sort()).toEqual([...builtinStrategyNames].sort());
    for (const name of builtinStrategyNames) {
      expect(builtinStrategies[name].name).toBe(name);
      expect(builtinStrategies[name].description.length).toBeGreaterThan(20);
    }
  });

  it('looks strategies up by name and names the known ones when it cannot', () => {
    expect(getBuiltinStrategy('dca')).toBe(builtinStrategies.dca);
    expect(() => getBuiltinStrategy('momentum')).toThrow(UnknownStrategyError);
    expect(() => getBuiltinStrategy('momentum')).toThrow(/Known strategies: trend, mean-reversion, oracle-dex-deviation/);
  });

  it('runs every built-in with default params over the real ETH/USD rounds, deterministically', () => {
    const rounds = chainlinkEthUsdRounds().slice(0, 2_000);
    for (const name of builtinStrategyNames) {
      const run = () => {
        const instance = createStrategyInstance(builtinStrategies[name], {
          id: name,
          market: exampleMarket,
          balances: new Map([[exampleMarket.base.address, 10n ** 18n]]),
        });
        return replay(instance, rounds);
      };
      const first = run();
      expect(run()).toEqual(first);
      for (const { signal } of first) {
        expect(signal.strategyId).toBe(name);
        expect(signal.strength).toBeGreaterThanOrEqual(0);
        expect(signal.strength).toBeLessThanOrEqual(1);
        if (signal.sizeQuote !== undefined) expect(signal.sizeQuote).toMatch(/^\d+(\.\d+)?$/);
      }
    }
  });
});
