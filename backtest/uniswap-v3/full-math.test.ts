import { describe, expect, it } from 'vitest';
import { MAX_UINT256, Q96, divRoundingUp, mulDiv, mulDivRoundingUp } from './full-math.js';
import { PoolMathError } from './errors.js';
import { addDelta } from './liquidity-math.js';

const Q128 = 1n << 128n;

describe('mulDiv', () => {
  it('computes known values from the Uniswap v3-core FullMath tests', () => {
    expect(mulDiv(Q128, Q128 / 2n, Q128)).toBe(Q128 / 2n);
    expect(mulDiv(MAX_UINT256, MAX_UINT256, MAX_UINT256)).toBe(MAX_UINT256);
    expect(mulDiv(Q128, 50n * Q128 / 100n, 150n * Q128 / 100n)).toBe(Q128 / 3n);
    expect(mulDiv(Q128, 35n * Q128, 8n * Q128)).toBe(4375n * Q128 / 1000n);
    expect(mulDiv(Q128, 1000n * Q128, 3000n * Q128)).toBe(Q128 / 3n);
    expect(mulDiv(3n, 5n, 2n)).toBe(7n);
  });

  it('reverts on a zero denominator and on results above uint256', () => {
    expect(() => mulDiv(Q128, 5n, 0n)).toThrowError(PoolMathError);
    expect(() => mulDiv(Q128, Q128, 1n)).toThrowError(/overflows uint256/);
    expect(() => mulDiv(MAX_UINT256, MAX_UINT256, MAX_UINT256 - 1n)).toThrowError(/overflows uint256/);
  });
});

describe('mulDivRoundingUp', () => {
  it('rounds up only when there is a remainder', () => {
    expect(mulDivRoundingUp(3n, 5n, 2n)).toBe(8n);
    expect(mulDivRoundingUp(4n, 5n, 2n)).toBe(10n);
    expect(mulDivRoundingUp(Q128, 1000n * Q128, 3000n * Q128)).toBe(Q128 / 3n + 1n);
    expect(mulDivRoundingUp(MAX_UINT256, MAX_UINT256, MAX_UINT256)).toBe(MAX_UINT256);
  });

  it('reverts when rounding up would pass uint256', () => {
    // From v3-core: mulDiv gives exactly 2^256 - 1 with a remainder, so the rounded result overflows.
    const a = 535006138814359n;
    const b = 432862656469423142931042426214547535783388063929571229938474969n;
    expect(() => mulDivRoundingUp(a, b, 2n)).toThrowError(/overflows uint256/);
    expect(() => mulDivRoundingUp(1n, 1n, 0n)).toThrowError(/divides by zero/);
  });
});

describe('divRoundingUp and addDelta', () => {
  it('divide rounding up and add liquidity deltas within uint128', () => {
    expect(divRoundingUp(7n, 2n)).toBe(4n);
    expect(divRoundingUp(Q96, Q96)).toBe(1n);
    expect(addDelta(100n, -40n)).toBe(60n);
    expect(() => addDelta(1n, -2n)).toThrowError(/below zero/);
    expect(() => addDelta((1n << 128n) - 1n, 1n)).toThrowError(/overflow uint128/);
  });
});
