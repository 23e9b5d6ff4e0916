import { describe, expect, it } from 'vitest';
import { chainlinkEthUsdRounds, uniswapUsdcWethSwaps } from './fixtures/real-market-data.js';
import { baseIsToken0, eventPrice, oraclePrice, poolPrice, toDecimalString } from './prices.js';
import { exampleMarket, oracleUpdate, poolUpdate } from './testing.js';

describe('prices', () => {
  it('reads an oracle answer with its decimals', () => {
    expect(oraclePrice({ answer: 229750276106n, decimals: 8 })).toBe(2297.50276106);
    expect(oraclePrice({ answer: 15n * 10n ** 17n, decimals: 18 })).toBe(1.5);
  });

  it('prices the real USDC/WETH pool (token0 = USDC) in USDC per WETH, close to Chainlink at the same time', () => {
    expect(baseIsToken0(exampleMarket)).toBe(false);
    const rounds = chainlinkEthUsdRounds();
    for (const swap of uniswapUsdcWethSwaps().filter((_, i) => i % 500 === 0)) {
      const round = rounds.filter((r) => r.time <= swap.time).at(-1)!;
      const price = poolPrice(swap, exampleMarket);
      // Chainlink's ETH/USD deviation threshold is 0.5 %, and USDC ≈ USD
      expect(Math.abs(price / oraclePrice(round) - 1)).toBeLessThan(0.01);
      // and matches the tick: price(token1/token0) = 1.0001^tick
      const fromTick = 10 ** 12 / 1.0001 ** swap.tick;
      expect(Math.abs(price / fromTick - 1)).toBeLessThan(0.0011);
    }
  });

  it('inverts correctly when base is token0', () => {
    const flipped = { ...exampleMarket, base: exampleMarket.quote, quote: exampleMarket.base };
    expect(baseIsToken0(flipped)).toBe(true);
    const update = poolUpdate(2000, 1);
    expect(poolPrice(update, flipped)).toBeCloseTo(1 / 2000, 12);
    expect(poolPrice(poolUpdate(0.0005, 1, { market: flipped }), flipped)).toBeCloseTo(0.0005, 12);
  });

  it('takes the price from the configured source only', () => {
    expect(eventPrice(oracleUpdate(2000, 1), 'oracle', exampleMarket)).toBe(2000);
    expect(eventPrice(oracleUpdate(2000, 1), 'pool', exampleMarket)).toBeUndefined();
    expect(eventPrice(poolUpdate(1990, 1), 'pool', exampleMarket)).toBeCloseTo(1990, 6);
    expect(eventPrice(undefined, 'oracle', exampleMarket)).toBeUndefined();
  });

  it('formats sizes as decimal strings without float noise', () => {
    expect(toDecimalString(1234.56789, 2)).toBe('1234.57');
    expect(toDecimalString(499.99999999, 6)).toBe('500');
    expect(toDecimalString(0.1 + 0.2, 6)).toBe('0.3');
    expect(toDecimalString(12, 0)).toBe('12');
    expect(toDecimalString(-1, 6)).toBe('0');
    expect(toDecimalString(Number.NaN, 6)).toBe('0');
    expect(toDecimalString(2 ** 80, 6)).toBe('1208925819614629174706176');
  });
});
