import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { toAddress } from '../../model/address.js';
import { oraclePriceToSqrtPriceX96, sqrtFloor, sqrtPriceX96ToOraclePrice } from './sqrt-price.js';
import { sortsBefore } from '../../model/address.js';

const require = createRequire(import.meta.url);
const sdk = require('@uniswap/v3-sdk') as { encodeSqrtRatioX96(amount1: string, amount0: string): { toString(): string } };

const low = toAddress('0x1000000000000000000000000000000000000001');
const high = toAddress('0xf000000000000000000000000000000000000001');

describe('sqrtFloor', () => {
  it('is the largest n with n*n <= value', () => {
    for (const value of [0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, 10n ** 40n - 1n, 10n ** 40n, (1n << 255n) + 12345n]) {
      const root = sqrtFloor(value);
      expect(root * root <= value).toBe(true);
      expect((root + 1n) * (root + 1n) > value).toBe(true);
    }
  });
});

describe('oraclePriceToSqrtPriceX96', () => {
  const answer = 190818855732n; // 1908.18855732 USD, the first round of the shared ETH/USD file.

  it('matches v3-sdk encodeSqrtRatioX96 when the quote token (USDC) sorts first', () => {
    const pair = { base: { address: high, decimals: 18 }, quote: { address: low, decimals: 6 }, feedDecimals: 8 };
    // token0 = USDC, token1 = WETH: 1 WETH (1e18) costs answer * 1e6 / 1e8 USDC units.
    const expected = sdk.encodeSqrtRatioX96((10n ** 18n * 10n ** 8n).toString(), (answer * 10n ** 6n).toString()).toString();
    expect(oraclePriceToSqrtPriceX96(answer, pair).toString()).toBe(expected);
  });

  it('matches v3-sdk encodeSqrtRatioX96 when the base token (WETH) sorts first', () => {
    const pair = { base: { address: low, decimals: 18 }, quote: { address: high, decimals: 6 }, feedDecimals: 8 };
    const expected = sdk.encodeSqrtRatioX96((answer * 10n ** 6n).toString(), (10n ** 18n * 10n ** 8n).toString()).toString();
    expect(oraclePriceToSqrtPriceX96(answer, pair).toString()).toBe(expected);
  });

  it('round-trips to the oracle answer within one unit in both token orders', () => {
    for (const [base, quote] of [
      [low, high],
      [high, low],
    ] as const) {
      const pair = { base: { address: base, decimals: 18 }, quote: { address: quote, decimals: 6 }, feedDecimals: 8 };
      const back = sqrtPriceX96ToOraclePrice(oraclePriceToSqrtPriceX96(answer, pair), pair);
      expect(back === answer || back === answer - 1n || back === answer + 1n).toBe(true);
    }
  });

  it('reproduces the mainnet USDC/WETH pool price from its slot0 (token0 = USDC)', () => {
    // First swap row of the shared pool file: sqrtPriceX96 after it, tick 199045 ≈ 2265 USD per ETH.
    const usdc = toAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
    const weth = toAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
    expect(sortsBefore(usdc, weth)).toBe(true);
    const price = sqrtPriceX96ToOraclePrice(1662995104975155420368771254341874n, {
      base: { address: weth, decimals: 18 },
      quote: { address: usdc, decimals: 6 },
      feedDecimals: 8,
    });
    expect(price > 2_200n * 10n ** 8n && price < 2_300n * 10n ** 8n).toBe(true);
  });

  it('rejects a non-positive answer', () => {
    const pair = { base: { address: low, decimals: 18 }, quote: { address: high, decimals: 6 }, feedDecimals: 8 };
    expect(() => oraclePriceToSqrtPriceX96(0n, pair)).toThrow(/positive/);
  });
});
