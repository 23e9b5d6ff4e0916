import {
  getAmount0Delta,
  getAmount1Delta,
  getNextSqrtPriceFromInput,
  getNextSqrtPriceFromOutput,
} from './sqrt-price-math.js';

const ONE_MILLION = 1_000_000n;
const TWO_POW_96 = 2 ** 96;
// Float estimates below are accurate to ~1e-15 relative; demanding a 1e-9 margin leaves no doubt.
const SAFE_SHORTFALL = 1 - 1e-9;

/**
 * True when `amount` is certainly smaller than the token0 amount between the two prices at `liquidity`
 * (L·2^96·(upper − lower)/(upper·lower)), judged in floating point with a wide safety margin. False means
 * "not certain", and the caller computes exactly.
 */
function token0AmountClearlyExceeds(lower: bigint, upper: bigint, liquidity: bigint, amount: bigint, roundedDown: boolean): boolean {
  const estimate = (Number(liquidity) * Number(upper - lower) * TWO_POW_96) / (Number(upper) * Number(lower));
  // Against a floored amount x, `amount < floor(x)` needs amount + 1 ≤ x; against a ceiling, amount < x is enough.
  return (roundedDown ? Number(amount) + 1 : Number(amount)) < estimate * SAFE_SHORTFALL;
}

/** The outcome of one swap step; the pool's hot loop reuses one of these instead of allocating per step. */
export type SwapStepResult = {
  sqrtRatioNextX96: bigint;
  amountIn: bigint;
  amountOut: bigint;
  feeAmount: bigint;
};

/**
 * One step of a swap within a single liquidity range, as SwapMath.computeSwapStep: moves the price from
 * `sqrtRatioCurrentX96` toward `sqrtRatioTargetX96` using at most `amountRemaining` (positive: exact input,
 * fee included; negative: exact output) and writes the new price, the amounts and the fee into `out`.
 * `feePips` is the fee in hundredths of a bip (500n = 0.05 %), as a bigint so the hot loop converts it once.
 *
 * @example
 * const step = { sqrtRatioNextX96: 0n, amountIn: 0n, amountOut: 0n, feeAmount: 0n };
 * computeSwapStepInto(step, 2n ** 96n, 2n ** 96n / 2n, 10n ** 18n, 10n ** 15n, 3000n);
 */
export function computeSwapStepInto(
  out: SwapStepResult,
  sqrtRatioCurrentX96: bigint,
  sqrtRatioTargetX96: bigint,
  liquidity: bigint,
  amountRemaining: bigint,
  feePips: bigint,
): SwapStepResult {
  const fee = feePips;
  const zeroForOne = sqrtRatioCurrentX96 >= sqrtRatioTargetX96;
  const exactIn = amountRemaining >= 0n;
  let sqrtRatioNextX96: bigint;
  let amountIn = 0n;
  let amountOut = 0n;

  if (exactIn) {
    const amountRemainingLessFee = (amountRemaining * (ONE_MILLION - fee)) / ONE_MILLION;
    // The token0 amount to the target needs a bigint division; skip it when a float estimate already shows
    // the remaining amount falls short (the exact value is then never used).
    if (zeroForOne && token0AmountClearlyExceeds(sqrtRatioTargetX96, sqrtRatioCurrentX96, liquidity, amountRemainingLessFee, false)) {
      sqrtRatioNextX96 = getNextSqrtPriceFromInput(sqrtRatioCurrentX96, liquidity, amountRemainingLessFee, true);
      // Rounding can still land exactly on the target; the contract then uses the amount to the target.
      if (sqrtRatioNextX96 === sqrtRatioTargetX96) amountIn = getAmount0Delta(sqrtRatioTargetX96, sqrtRatioCurrentX96, liquidity, true);
    } else {
      amountIn = zeroForOne
        ? getAmount0Delta(sqrtRatioTargetX96, sqrtRatioCurrentX96, liquidity, true)
        : getAmount1Delta(sqrtRatioCurrentX96, sqrtRatioTargetX96, liquidity, true);
      sqrtRatioNextX96 =
        amountRemainingLessFee >= amountIn
          ? sqrtRatioTargetX96
          : getNextSqrtPriceFromInput(sqrtRatioCurrentX96, liquidity, amountRemainingLessFee, zeroForOne);
    }
  } else if (!zeroForOne && token0AmountClearlyExceeds(sqrtRatioCurrentX96, sqrtRatioTargetX96, liquidity, -amountRemaining, true)) {
    sqrtRatioNextX96 = getNextSqrtPriceFromOutput(sqrtRatioCurrentX96, liquidity, -amountRemaining, false);
    if (sqrtRatioNextX96 === sqrtRatioTargetX96) amountOut = getAmount0Delta(sqrtRatioCurrentX96, sqrtRatioTargetX96, liquidity, false);
  } else {
    amountOut = zeroForOne
      ? getAmount1Delta(sqrtRatioTargetX96, sqrtRatioCurrentX96, liquidity, false)
      : getAmount0Delta(sqrtRatioCurrentX96, sqrtRatioTargetX96, liquidity, false);
    sqrtRatioNextX96 =
      -amountRemaining >= amountOut
        ? sqrtRatioTargetX96
        : getNextSqrtPriceFromOutput(sqrtRatioCurrentX96, liquidity, -amountRemaining, zeroForOne);
  }

  // Reaching the target reuses the amount already computed for it; stopping short recomputes from the new price.
  const reachedTarget = sqrtRatioTargetX96 === sqrtRatioNextX96;
  if (zeroForOne) {
    if (!(reachedTarget && exactIn)) amountIn = getAmount0Delta(sqrtRatioNextX96, sqrtRatioCurrentX96, liquidity, true);
    if (!(reachedTarget && !exactIn)) amountOut = getAmount1Delta(sqrtRatioNextX96, sqrtRatioCurrentX96, liquidity, false);
  } else {
    if (!(reachedTarget && exactIn)) amountIn = getAmount1Delta(sqrtRatioCurrentX96, sqrtRatioNextX96, liquidity, true);
    if (!(reachedTarget && !exactIn)) amountOut = getAmount0Delta(sqrtRatioCurrentX96, sqrtRatioNextX96, liquidity, false);
  }

  // Rounding of an exact-output step may give slightly more than asked; the pool never pays more.
  if (!exactIn && amountOut > -amountRemaining) amountOut = -amountRemaining;

  out.sqrtRatioNextX96 = sqrtRatioNextX96;
  out.amountIn = amountIn;
  out.amountOut = amountOut;
  // An exact-input step that stops short keeps the whole remainder as fee, so no input is left over.
  out.feeAmount =
    exactIn && sqrtRatioNextX96 !== sqrtRatioTargetX96
      ? amountRemaining - amountIn
      : (amountIn * fee + ONE_MILLION - fee - 1n) / (ONE_MILLION - fee);
  return out;
}

/**
 * computeSwapStep returning a fresh tuple `[sqrtRatioNextX96, amountIn, amountOut, feeAmount]`, shaped
 * like the Solidity function, for callers outside hot loops.
 *
 * @example
 * const [next, amountIn, amountOut, fee] = computeSwapStep(2n ** 96n, 2n ** 95n, 10n ** 18n, 10n ** 15n, 3000);
 */
export function computeSwapStep(
  sqrtRatioCurrentX96: bigint,
  sqrtRatioTargetX96: bigint,
  liquidity: bigint,
  amountRemaining: bigint,
  feePips: number,
): [sqrtRatioNextX96: bigint, amountIn: bigint, amountOut: bigint, feeAmount: bigint] {
  const r = computeSwapStepInto(
    { sqrtRatioNextX96: 0n, amountIn: 0n, amountOut: 0n, feeAmount: 0n },
    sqrtRatioCurrentX96,
    sqrtRatioTargetX96,
    liquidity,
    amountRemaining,
    BigInt(feePips),
  );
  return [r.sqrtRatioNextX96, r.amountIn, r.amountOut, r.feeAmount];
}
