import { PoolMathError } from './errors.js';

const ONE_MILLION = 1_000_000n;
// The fee's derived constants, for the fee of the last step: a pool's swaps all use one fee, so these are
// recomputed only when another pool swaps, instead of two bigint subtractions per step.
let stepFeeNumber = 0;
let stepFee = 0n;
let feeComplement = ONE_MILLION; // 1e6 − fee
let feeCeilingAddend = ONE_MILLION - 1n; // 1e6 − fee − 1: turns the division below into a ceiling

/** FullMath.mulDivRoundingUp(amountIn, fee, 1e6 − fee): the fee on an amount that excludes it. */
function feeOn(amountIn: bigint): bigint {
  return (amountIn * stepFee + feeCeilingAddend) / feeComplement;
}
const Q96 = 1n << 96n;
const Q96_MINUS_ONE = Q96 - 1n;
const MAX_UINT256 = (1n << 256n) - 1n;
const TWO_POW_96 = 2 ** 96;
// Float estimates below are accurate to ~1e-10 relative; demanding a 1e-9 margin leaves no doubt.
const SAFE_SHORTFALL = 1 - 1e-9;
// A float difference of two prices is accurate to 2^-52 of the larger; requiring the difference to be at
// least 1e-5 of it keeps the difference's relative error below ~5e-11.
const MIN_RELATIVE_GAP = 1e-5;

/**
 * True when `amount` is certainly smaller than the token0 amount between the two prices at `liquidity`
 * (L·2^96·(upper − lower)/(upper·lower)), judged in floating point with a wide safety margin. False means
 * "not certain", and the caller computes exactly. Takes the floats of the prices and the liquidity, which
 * the swap loop keeps, so only the amount is converted here.
 */
function token0AmountClearlyExceeds(lowerF: number, upperF: number, liquidityF: number, amountF: number, roundedDown: boolean): boolean {
  const gap = upperF - lowerF;
  if (!(gap > upperF * MIN_RELATIVE_GAP)) return false;
  const estimate = (liquidityF * gap * TWO_POW_96) / (upperF * lowerF);
  // Against a floored amount x, `amount < floor(x)` needs amount + 1 ≤ x; against a ceiling, amount < x is enough.
  return (roundedDown ? amountF + 1 : amountF) < estimate * SAFE_SHORTFALL;
}

// amount·P below this (in floats, ~1e-15 accurate) certainly fits uint256, and so does L·2^96 + amount·P.
const PRODUCT_SURELY_FITS = 2 ** 250;

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
  return computeSwapStepWithFloats(
    out,
    sqrtRatioCurrentX96,
    sqrtRatioTargetX96,
    liquidity,
    amountRemaining,
    Number(feePips),
    sqrtRatioCurrentX96 >= sqrtRatioTargetX96,
    amountRemaining >= 0n,
    Number(sqrtRatioCurrentX96),
    Number(sqrtRatioTargetX96),
    Number(liquidity),
  );
}

/**
 * computeSwapStepInto for the swap loop, which already knows what costs bigint comparisons to find out
 * again: the fee as a number, the direction (`zeroForOne` must equal current ≥ target, as in the
 * contract) and whether the amount is exact input (`amountRemaining ≥ 0`), and the float values of the
 * current price, the target and the liquidity (`Number()` of each, used only to skip exact work that
 * cannot matter; zeros disable that). Each of the four cases (direction × exact input/output) computes
 * the shared terms of the contract's formulas once: the same floor and ceiling divisions as SqrtPriceMath,
 * with the same reverts, in fewer bigint operations, which are most of a swap's cost.
 *
 * @example
 * const step = { sqrtRatioNextX96: 0n, amountIn: 0n, amountOut: 0n, feeAmount: 0n };
 * computeSwapStepWithFloats(step, 2n ** 96n, 2n ** 95n, 10n ** 18n, 10n ** 15n, 3000, true, true, 2 ** 96, 2 ** 95, 1e18);
 */
export function computeSwapStepWithFloats(
  out: SwapStepResult,
  sqrtRatioCurrentX96: bigint,
  sqrtRatioTargetX96: bigint,
  liquidity: bigint,
  amountRemaining: bigint,
  feePips: number,
  zeroForOne: boolean,
  exactIn: boolean,
  currentF: number,
  targetF: number,
  liquidityF: number,
): SwapStepResult {
  const current = sqrtRatioCurrentX96;
  const target = sqrtRatioTargetX96;
  if (feePips !== stepFeeNumber) {
    stepFeeNumber = feePips;
    stepFee = BigInt(feePips);
    feeComplement = ONE_MILLION - stepFee;
    feeCeilingAddend = feeComplement - 1n;
  }

  if (exactIn) {
    const amountRemainingLessFee = (amountRemaining * feeComplement) / ONE_MILLION;
    if (zeroForOne) {
      // Token0 in, price down. The token0 amount to the target needs a bigint division; skip it when a float
      // estimate already shows the remaining amount falls short (the exact value is then never used).
      const amountF = Number(amountRemainingLessFee);
      if (token0AmountClearlyExceeds(targetF, currentF, liquidityF, amountF, false)) {
        // The floats settle the checks that guard the formulas too: liquidity and price are positive (or
        // the estimate would be 0), amount·P fits uint256, and the new price, which is at least the target,
        // satisfies (next − 1)·next ≥ L·2^96 (see stepZeroForOneExactInShort).
        const proven =
          amountF * currentF < PRODUCT_SURELY_FITS && targetF > 1e6 && targetF * targetF * (1 - 2e-6) > liquidityF * TWO_POW_96;
        if (stepZeroForOneExactInShort(out, current, target, liquidity, amountRemainingLessFee, amountRemaining, proven)) return out;
      }
      const gapToTarget = current - target;
      const amountToTarget = ceilDiv((liquidity << 96n) * gapToTarget, current * target);
      if (
        amountRemainingLessFee >= amountToTarget ||
        // Rounding can still land exactly on the target; the contract then uses the amount to the target.
        !stepZeroForOneExactInShort(out, current, target, liquidity, amountRemainingLessFee, amountRemaining, false)
      ) {
        return reachedTarget(out, target, amountToTarget, amount1Floor(liquidity, gapToTarget));
      }
      return out;
    }
    // Token1 in, price up. When the floats show the amount clearly short of the target, they also prove
    // the guards (positive liquidity, next price below the target so within uint160) and, with L < 2^96,
    // that the amount in is the amount itself (see below): the step is a division and a product.
    const amountF = Number(amountRemainingLessFee);
    const gap = targetF - currentF;
    if (
      gap > targetF * MIN_RELATIVE_GAP &&
      amountF < ((liquidityF * gap) / TWO_POW_96) * SAFE_SHORTFALL &&
      liquidityF < TWO_POW_96 * SAFE_SHORTFALL
    ) {
      const difference = (amountRemainingLessFee << 96n) / liquidity;
      const next = current + difference;
      out.sqrtRatioNextX96 = next;
      out.amountIn = amountRemainingLessFee;
      out.amountOut = ((liquidity << 96n) * difference) / (next * current);
      out.feeAmount = amountRemaining - amountRemainingLessFee;
      return out;
    }
    const gapToTarget = target - current;
    const amountToTarget = (liquidity * gapToTarget + Q96_MINUS_ONE) >> 96n;
    if (amountRemainingLessFee >= amountToTarget) {
      return reachedTarget(out, target, amountToTarget, floorDiv((liquidity << 96n) * gapToTarget, target * current));
    }
    // getNextSqrtPriceFromAmount1RoundingDown (add): floor(amount·2^96/L) on top of the price.
    requirePriceAndLiquidity(current, liquidity);
    const quotient = (amountRemainingLessFee << 96n) / liquidity;
    if (quotient > MAX_UINT256) throw new PoolMathError('mulDiv', 'mulDiv overflows uint256.', `Result ${quotient} exceeds 2^256 - 1.`);
    const next = toUint160(current + quotient);
    const difference = quotient;
    // ceil(L·q/2^96) with q = floor(amount·2^96/L) lies in (amount − L/2^96, amount]: for L ≤ 2^96 (any
    // realistic pool) it is `amount` itself, without the product.
    const amountIn = liquidity <= Q96 ? amountRemainingLessFee : (liquidity * difference + Q96_MINUS_ONE) >> 96n;
    out.sqrtRatioNextX96 = next;
    out.amountIn = amountIn;
    out.amountOut = next === current ? 0n : floorDiv((liquidity << 96n) * difference, next * current);
    if (next === target) {
      // Rounding reached the target after all: the contract then charges the fee on the amount in.
      out.feeAmount = feeOn(amountIn);
    } else out.feeAmount = amountRemaining - amountIn;
    return out;
  }

  const amountWanted = -amountRemaining;
  if (zeroForOne) {
    // Token1 out, price down.
    const gapToTarget = current - target;
    const amountToTarget = amount1Floor(liquidity, gapToTarget);
    if (amountWanted >= amountToTarget) {
      const amountIn = ceilDiv((liquidity << 96n) * gapToTarget, current * target);
      return reachedTarget(out, target, amountIn, amountToTarget);
    }
    // getNextSqrtPriceFromAmount1RoundingDown (remove): ceil(amount·2^96/L) below the price.
    requirePriceAndLiquidity(current, liquidity);
    const quotient = ceilDiv(amountWanted << 96n, liquidity);
    if (quotient > MAX_UINT256) throw new PoolMathError('mulDiv', 'mulDivRoundingUp overflows uint256.', `Result ${quotient} exceeds 2^256 - 1.`);
    if (current <= quotient) {
      throw new PoolMathError(
        'SqrtPriceMath',
        'Not enough token1 liquidity for this output.',
        `Removing ${amountWanted} token1 at sqrtPriceX96 ${current} exceeds liquidity ${liquidity}.`,
      );
    }
    const next = current - quotient;
    const difference = quotient;
    return stoppedShort(out, next, ceilDiv((liquidity << 96n) * difference, current * next), amount1Floor(liquidity, difference), amountWanted);
  }
  // Token0 out, price up.
  if (!token0AmountClearlyExceeds(currentF, targetF, liquidityF, Number(amountWanted), true)) {
    const gapToTarget = target - current;
    const amountToTarget = floorDiv((liquidity << 96n) * gapToTarget, target * current);
    if (amountWanted >= amountToTarget) {
      return reachedTarget(out, target, (liquidity * gapToTarget + Q96_MINUS_ONE) >> 96n, amountToTarget);
    }
  }
  // getNextSqrtPriceFromAmount0RoundingUp (remove): ceil(L·2^96·P/(L·2^96 − amount·P)).
  requirePriceAndLiquidity(current, liquidity);
  const numerator1 = liquidity << 96n;
  const product = amountWanted * current;
  if (product > MAX_UINT256 || numerator1 <= product) {
    throw new PoolMathError(
      'SqrtPriceMath',
      'Not enough token0 liquidity for this output.',
      `Removing ${amountWanted} token0 at sqrtPriceX96 ${current} exceeds liquidity ${liquidity}.`,
    );
  }
  const next = toUint160(ceilDiv(numerator1 * current, numerator1 - product));
  const difference = next - current;
  return stoppedShort(out, next, (liquidity * difference + Q96_MINUS_ONE) >> 96n, floorDiv(numerator1 * difference, next * current), amountWanted);
}

/**
 * The exact-input token0 step that stops short of the target: the new price (rounded up, with the
 * contract's overflow fallback) and the amounts from it. Returns false, writing nothing, when rounding
 * lands exactly on the target: the contract then takes the amount to the target and charges the fee on
 * it, which the caller does.
 */
function stepZeroForOneExactInShort(
  out: SwapStepResult,
  current: bigint,
  target: bigint,
  liquidity: bigint,
  amountLessFee: bigint,
  amountRemaining: bigint,
  proven: boolean,
): boolean {
  const numerator1 = liquidity << 96n;
  if (proven) {
    // Float-proven: positive price and liquidity, no overflow, and the amount in is the amount (below).
    const product = amountLessFee * current;
    // The floats also showed the amount short of the target, so the new price is strictly above it.
    const difference = (product * current) / (numerator1 + product);
    out.sqrtRatioNextX96 = current - difference;
    out.amountIn = amountLessFee;
    out.amountOut = amount1Floor(liquidity, difference);
    out.feeAmount = amountRemaining - amountLessFee;
    return true;
  }
  requirePriceAndLiquidity(current, liquidity);
  let next = current;
  let difference = 0n;
  if (amountLessFee !== 0n) {
    const product = amountLessFee * current;
    // getNextSqrtPriceFromAmount0RoundingUp (add): the precise formula ceil(L·2^96·P/(L·2^96 + amount·P))
    // when it fits uint256, else the contract's fallback. The precise one is computed as
    // P − floor(amount·P²/(L·2^96 + amount·P)), the same integer (the two fractions add up to P), which
    // gives the price difference directly and saves two bigint operations.
    const denominator = numerator1 + product;
    if (product <= MAX_UINT256 && denominator <= MAX_UINT256) {
      difference = (product * current) / denominator;
      next = current - difference;
      // The amount in is then ceil(L·2^96/next − L·2^96/P): the amount that moves the price exactly to
      // y = L·2^96·P/(L·2^96 + amount·P), which is `amount`, minus L·2^96·(next − y)/(y·next). With
      // next − y in [0, 1) and y > next − 1, that shortfall is below 1 whenever (next − 1)·next ≥ L·2^96,
      // and then the ceiling is `amount` itself: no division needed (true for any realistic pool).
      if ((next - 1n) * next >= numerator1) return stoppedShortAt(out, next, target, amountLessFee, amount1Floor(liquidity, difference), amountRemaining);
    } else {
      const fallbackDenominator = numerator1 / current + amountLessFee;
      if (fallbackDenominator > MAX_UINT256) throw new PoolMathError('add', 'Token0 amount too large.', `Amount ${amountLessFee} overflows the price formula.`);
      next = ceilDiv(numerator1, fallbackDenominator);
      difference = current - next;
    }
  }
  const amountIn = difference === 0n ? 0n : ceilDiv(numerator1 * difference, current * next);
  return stoppedShortAt(out, next, target, amountIn, amount1Floor(liquidity, difference), amountRemaining);
}

/** Writes an exact-input step that stopped short; false (nothing written) if it landed on the target. */
function stoppedShortAt(out: SwapStepResult, next: bigint, target: bigint, amountIn: bigint, amountOut: bigint, amountRemaining: bigint): boolean {
  if (next === target) return false;
  out.sqrtRatioNextX96 = next;
  out.amountIn = amountIn;
  out.amountOut = amountOut;
  // An exact-input step that stops short keeps the whole remainder as fee, so no input is left over.
  out.feeAmount = amountRemaining - amountIn;
  return true;
}

function reachedTarget(out: SwapStepResult, target: bigint, amountIn: bigint, amountOut: bigint): SwapStepResult {
  out.sqrtRatioNextX96 = target;
  out.amountIn = amountIn;
  out.amountOut = amountOut;
  out.feeAmount = feeOn(amountIn);
  return out;
}

/** An exact-output step that stopped before the target (or landed on it by rounding). */
function stoppedShort(
  out: SwapStepResult,
  next: bigint,
  amountIn: bigint,
  amountOut: bigint,
  amountWanted: bigint,
): SwapStepResult {
  out.sqrtRatioNextX96 = next;
  out.amountIn = amountIn;
  // Rounding of an exact-output step may give slightly more than asked; the pool never pays more.
  out.amountOut = amountOut > amountWanted ? amountWanted : amountOut;
  out.feeAmount = feeOn(amountIn);
  return out;
}

/** floor(L·(difference)/2^96): SqrtPriceMath.getAmount1Delta rounded down; a shift is exact floor division. */
function amount1Floor(liquidity: bigint, difference: bigint): bigint {
  return (liquidity * difference) >> 96n;
}

function floorDiv(numerator: bigint, denominator: bigint): bigint {
  return numerator / denominator;
}

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator - 1n) / denominator;
}

function requirePriceAndLiquidity(sqrtPX96: bigint, liquidity: bigint): void {
  if (sqrtPX96 <= 0n || liquidity <= 0n) {
    throw new PoolMathError('SqrtPriceMath', 'Price and liquidity must be positive.', `Got sqrtPriceX96 ${sqrtPX96} and liquidity ${liquidity}.`);
  }
}

function toUint160(value: bigint): bigint {
  if (value >= 1n << 160n) throw new PoolMathError('SafeCast', 'Sqrt price overflows uint160.', `Value ${value} exceeds 2^160 - 1.`);
  return value;
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
