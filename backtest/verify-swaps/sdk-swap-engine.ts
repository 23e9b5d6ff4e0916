import { createRequire } from 'node:module';
import { MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK } from '../uniswap-v3/tick-math.js';
import type { SwapEngine } from './replay-swap.js';

// The SDK's ESM build fails under Node's loader (directory imports); its CommonJS build works.
const require = createRequire(import.meta.url);
const sdk = require('@uniswap/v3-sdk') as any;
const sdkCore = require('@uniswap/sdk-core') as any;
const JSBI = require('jsbi') as any;

const TOKEN0 = new sdkCore.Token(1, '0x0000000000000000000000000000000000000001', 6, 'T0');
const TOKEN1 = new sdkCore.Token(1, '0x0000000000000000000000000000000000000002', 18, 'T1');

/**
 * The same replay on @uniswap/v3-sdk's math (Pool.getOutputAmount / getInputAmount), which verify-swaps
 * used before the native simulator: tests run both and show the classification did not change.
 * The SDK reports only the computed side of a swap, so when a swap stops at its price limit the amount
 * it used of the specified side is unknown and the engine answers 'unknown'.
 *
 * @example
 * const report = await verifySwaps({ path, fee: 500, engine: sdkSwapEngine });
 */
export const sdkSwapEngine: SwapEngine = async (pool, parameters) => {
  const { before, crossedTick, tickSpacing } = pool;
  // The SDK wants a non-empty tick list whose liquidityNet sums to zero: balance the crossed tick (or
  // stand in for none) with ticks at the far ends of the price range, which no swap here reaches and
  // which do not change where steps end (the one-word search horizon does not depend on them).
  const lowest = Math.ceil(MIN_TICK / tickSpacing) * tickSpacing;
  const highest = Math.floor(MAX_TICK / tickSpacing) * tickSpacing;
  const net = new Map<number, bigint>([[lowest, 1n], [highest, -1n]]);
  if (crossedTick) {
    net.set(crossedTick.index, (net.get(crossedTick.index) ?? 0n) + crossedTick.liquidityNet);
    const far = parameters.zeroForOne ? highest : lowest;
    net.set(far, (net.get(far) ?? 0n) - crossedTick.liquidityNet);
  }
  const ticks = [...net.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, liquidityNet]) => new sdk.Tick({ index, liquidityNet: liquidityNet.toString(), liquidityGross: (liquidityNet < 0n ? -liquidityNet : liquidityNet || 1n).toString() }));
  const limit = parameters.sqrtPriceLimitX96;
  try {
    const sdkPool = new sdk.Pool(TOKEN0, TOKEN1, pool.fee, before.sqrtPriceX96.toString(), before.liquidity.toString(), before.tick, new sdk.TickListDataProvider(ticks, tickSpacing));
    const { zeroForOne, amountSpecified } = parameters;
    const exactInput = amountSpecified > 0n;
    const [amount, next] = exactInput
      ? await sdkPool.getOutputAmount(sdkCore.CurrencyAmount.fromRawAmount(zeroForOne ? TOKEN0 : TOKEN1, amountSpecified.toString()), limit === undefined ? undefined : JSBI.BigInt(limit.toString()))
      : await sdkPool.getInputAmount(sdkCore.CurrencyAmount.fromRawAmount(zeroForOne ? TOKEN1 : TOKEN0, (-amountSpecified).toString()), limit === undefined ? undefined : JSBI.BigInt(limit.toString()));
    const sqrtPriceX96 = BigInt(next.sqrtRatioX96.toString());
    const effectiveLimit = limit ?? (zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n);
    if (sqrtPriceX96 === effectiveLimit) return 'unknown';
    const calculated = BigInt(amount.quotient.toString());
    // Not stopped by the limit, so the whole specified amount was used.
    const specified = amountSpecified;
    const inputSide = exactInput ? specified : calculated;
    const outputSide = exactInput ? -calculated : specified;
    return {
      amount0: zeroForOne ? inputSide : outputSide,
      amount1: zeroForOne ? outputSide : inputSide,
      sqrtPriceX96,
      tick: next.tickCurrent,
      liquidity: BigInt(next.liquidity.toString()),
    };
  } catch {
    return 'reverted';
  }
};
