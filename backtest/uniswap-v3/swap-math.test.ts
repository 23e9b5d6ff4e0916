import { describe, expect, it } from 'vitest';
import { PoolMathError } from './errors.js';
import { mulDiv, mulDivRoundingUp } from './full-math.js';
import { createSeededRandom, type SeededRandom } from '../../test/support/uniswap-v3/seeded-random.js';
import {
  getAmount0Delta,
  getAmount1Delta,
  getNextSqrtPriceFromInput,
  getNextSqrtPriceFromOutput,
} from './sqrt-price-math.js';
import { computeSwapStep } from './swap-math.js';
import { MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK, getSqrtRatioAtTick } from './tick-math.js';

type Step = [sqrtRatioNextX96: bigint, amountIn: bigint, amountOut: bigint, feeAmount: bigint];

/**
 * SwapMath.computeSwapStep line by line, built from the SqrtPriceMath functions: the reference for the
 * fused, float-assisted step the pool's loop uses.
 */
function referenceStep(current: bigint, target: bigint, liquidity: bigint, remaining: bigint, fee: number): Step {
  const feePips = BigInt(fee);
  const zeroForOne = current >= target;
  const exactIn = remaining >= 0n;
  let next: bigint;
  let amountIn = 0n;
  let amountOut = 0n;
  if (exactIn) {
    const lessFee = mulDiv(remaining, 1_000_000n - feePips, 1_000_000n);
    amountIn = zeroForOne ? getAmount0Delta(target, current, liquidity, true) : getAmount1Delta(current, target, liquidity, true);
    next = lessFee >= amountIn ? target : getNextSqrtPriceFromInput(current, liquidity, lessFee, zeroForOne);
  } else {
    amountOut = zeroForOne ? getAmount1Delta(target, current, liquidity, false) : getAmount0Delta(current, target, liquidity, false);
    next = -remaining >= amountOut ? target : getNextSqrtPriceFromOutput(current, liquidity, -remaining, zeroForOne);
  }
  const max = target === next;
  if (zeroForOne) {
    if (!(max && exactIn)) amountIn = getAmount0Delta(next, current, liquidity, true);
    if (!(max && !exactIn)) amountOut = getAmount1Delta(next, current, liquidity, false);
  } else {
    if (!(max && exactIn)) amountIn = getAmount1Delta(current, next, liquidity, true);
    if (!(max && !exactIn)) amountOut = getAmount0Delta(current, next, liquidity, false);
  }
  if (!exactIn && amountOut > -remaining) amountOut = -remaining;
  const feeAmount = exactIn && next !== target ? remaining - amountIn : mulDivRoundingUp(amountIn, feePips, 1_000_000n - feePips);
  return [next, amountIn, amountOut, feeAmount];
}

function outcome(run: () => Step): Step | string {
  try {
    return run();
  } catch (error) {
    if (error instanceof PoolMathError) return `revert ${error.reason}`;
    throw error;
  }
}

const clampPrice = (price: bigint) => (price < MIN_SQRT_RATIO ? MIN_SQRT_RATIO : price >= MAX_SQRT_RATIO ? MAX_SQRT_RATIO - 1n : price);

/** A step's inputs: any price, a target from the same price to thousands of ticks away, any liquidity and amount. */
function randomStep(random: SeededRandom): [bigint, bigint, bigint, bigint, number] {
  const tick = random.int(MIN_TICK, MAX_TICK - 1);
  const current = clampPrice(getSqrtRatioAtTick(tick) + random.magnitude(random.int(1, 30)) - 1n);
  const kind = random.next();
  let target: bigint;
  if (kind < 0.05) target = current;
  else if (kind < 0.1) target = clampPrice(current + (random.next() < 0.5 ? 1n : -1n));
  else {
    const distance = Math.floor(Math.exp(random.next() * Math.log(20_000)));
    const targetTick = Math.min(MAX_TICK, Math.max(MIN_TICK, random.next() < 0.5 ? tick - distance : tick + distance));
    target = clampPrice(getSqrtRatioAtTick(targetTick));
  }
  const liquidityKind = random.next();
  const liquidity =
    liquidityKind < 0.03 ? 0n : liquidityKind < 0.06 ? (1n << 128n) - 1n : random.magnitude(38) % (1n << 128n);
  // Amounts from 1 wei to beyond uint160 (the contract's overflow branches), either sign.
  const magnitude = random.next() < 0.02 ? (1n << 255n) - random.magnitude(30) : random.magnitude(random.int(1, 60));
  const remaining = random.next() < 0.5 ? magnitude : -magnitude;
  const fee = random.pick([0, 100, 500, 3000, 10_000, 999_999]);
  return [current, target, liquidity, remaining, fee];
}

describe('computeSwapStep', () => {
  it('equals SwapMath.computeSwapStep built from SqrtPriceMath on 100,000 seeded random steps', () => {
    const random = createSeededRandom(5150);
    const seen = { reached: 0, short: 0, reverted: 0 };
    for (let i = 0; i < 100_000; i++) {
      const [current, target, liquidity, remaining, fee] = randomStep(random);
      const ours = outcome(() => computeSwapStep(current, target, liquidity, remaining, fee));
      const theirs = outcome(() => referenceStep(current, target, liquidity, remaining, fee));
      if (JSON.stringify(ours, (_k, v) => (typeof v === 'bigint' ? `${v}` : v)) !== JSON.stringify(theirs, (_k, v) => (typeof v === 'bigint' ? `${v}` : v))) {
        expect({ i, current, target, liquidity, remaining, fee, ours }).toEqual({ i, current, target, liquidity, remaining, fee, ours: theirs });
      }
      if (typeof theirs === 'string') seen.reverted++;
      else if (theirs[0] === target) seen.reached++;
      else seen.short++;
    }
    console.log(`computeSwapStep: ${JSON.stringify(seen)}`);
    // Both ways a step can end must be well represented (a single step rarely reverts: the loop's steps
    // are bounded by their target, so the contract's overflow checks seldom fire here).
    expect(seen.reached).toBeGreaterThan(10_000);
    expect(seen.short).toBeGreaterThan(10_000);
  });

  it('lands on the target by rounding exactly as the contract does (fee on the amount to the target)', () => {
    // Tiny liquidity: an input one wei short of the target still rounds the price onto it.
    const current = getSqrtRatioAtTick(0);
    const target = current - 1n;
    for (const remaining of [1n, 2n, 10n, -1n, -2n]) {
      for (const liquidity of [1n, 2n, 1000n]) {
        expect(computeSwapStep(current, target, liquidity, remaining, 3000)).toEqual(referenceStep(current, target, liquidity, remaining, 3000));
        expect(computeSwapStep(target, current, liquidity, remaining, 3000)).toEqual(referenceStep(target, current, liquidity, remaining, 3000));
      }
    }
  });
});
