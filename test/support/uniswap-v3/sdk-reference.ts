import { createRequire } from 'node:module';
import type { PositionParameters, SwapParameters } from '../../../backtest/uniswap-v3/pool.js';

// The SDK's ESM build fails under Node's loader (directory imports); its CommonJS build works.
const require = createRequire(import.meta.url);
const sdk = require('@uniswap/v3-sdk') as any;
const sdkCore = require('@uniswap/sdk-core') as any;
const JSBI = require('jsbi') as any;

const TOKEN0 = new sdkCore.Token(1, '0x0000000000000000000000000000000000000001', 18, 'T0');
const TOKEN1 = new sdkCore.Token(1, '0x0000000000000000000000000000000000000002', 18, 'T1');

/** An @uniswap/v3-sdk Pool wrapped so it can be swapped against like the simulator (state replaced per swap). */
export type SdkReferencePool = { pool: any };

export type CreateSdkReferencePoolParameters = {
  fee: number;
  sqrtPriceX96: bigint;
  tick: number;
  positions: readonly PositionParameters[];
};

/**
 * Builds an @uniswap/v3-sdk Pool from positions, computing its tick list and in-range liquidity here
 * (independently of the simulator's own mint code), as the reference for differential tests and the
 * benchmark.
 *
 * @example
 * const reference = createSdkReferencePool({ fee: 500, sqrtPriceX96: 2n ** 96n, tick: 0,
 *   positions: [{ tickLower: -600, tickUpper: 600, liquidity: 10n ** 18n }] });
 */
export function createSdkReferencePool(parameters: CreateSdkReferencePoolParameters): SdkReferencePool {
  const net = new Map<number, bigint>();
  const gross = new Map<number, bigint>();
  let liquidity = 0n;
  for (const { tickLower, tickUpper, liquidity: amount } of parameters.positions) {
    net.set(tickLower, (net.get(tickLower) ?? 0n) + amount);
    net.set(tickUpper, (net.get(tickUpper) ?? 0n) - amount);
    gross.set(tickLower, (gross.get(tickLower) ?? 0n) + amount);
    gross.set(tickUpper, (gross.get(tickUpper) ?? 0n) + amount);
    if (tickLower <= parameters.tick && parameters.tick < tickUpper) liquidity += amount;
  }
  const ticks = [...gross.keys()]
    .filter((index) => gross.get(index)! > 0n)
    .sort((a, b) => a - b)
    .map((index) => new sdk.Tick({ index, liquidityNet: net.get(index)!.toString(), liquidityGross: gross.get(index)!.toString() }));
  const pool = new sdk.Pool(
    TOKEN0,
    TOKEN1,
    parameters.fee,
    parameters.sqrtPriceX96.toString(),
    liquidity.toString(),
    parameters.tick,
    ticks,
  );
  return { pool };
}

/** The SDK's answer for one swap: the amount it computes and the pool state after. */
export type SdkSwapReturnType = {
  /** Exact input: the output amount. Exact output: the input amount (fee included). */
  amountCalculated: bigint;
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
};

/** The SDK's raw answer: its CurrencyAmount and the Pool it returns, unconverted. */
export type SdkRawSwapReturnType = { amount: any; next: any };

/**
 * Runs one swap through the SDK's public quote methods (Pool.getOutputAmount for exact input,
 * Pool.getInputAmount for exact output) and moves the reference to the pool they return, leaving the
 * answer in the SDK's own types: the benchmark times only this, and converts afterwards.
 *
 * @example
 * const { amount, next } = await sdkSwapRaw(reference, { zeroForOne: true, amountSpecified: 10n ** 15n });
 */
export async function sdkSwapRaw(reference: SdkReferencePool, parameters: SwapParameters): Promise<SdkRawSwapReturnType> {
  const { zeroForOne, amountSpecified } = parameters;
  const limit = parameters.sqrtPriceLimitX96 === undefined ? undefined : JSBI.BigInt(parameters.sqrtPriceLimitX96.toString());
  const exactInput = amountSpecified > 0n;
  const [amount, next] = exactInput
    ? await reference.pool.getOutputAmount(
        sdkCore.CurrencyAmount.fromRawAmount(zeroForOne ? TOKEN0 : TOKEN1, amountSpecified.toString()),
        limit,
      )
    : await reference.pool.getInputAmount(
        sdkCore.CurrencyAmount.fromRawAmount(zeroForOne ? TOKEN1 : TOKEN0, (-amountSpecified).toString()),
        limit,
      );
  reference.pool = next;
  return { amount, next };
}

/**
 * The SDK's raw answer as bigints (see SdkSwapReturnType).
 *
 * @example
 * const { amountCalculated } = fromSdkRaw(await sdkSwapRaw(reference, parameters));
 */
export function fromSdkRaw({ amount, next }: SdkRawSwapReturnType): SdkSwapReturnType {
  return {
    amountCalculated: BigInt(amount.quotient.toString()),
    sqrtPriceX96: BigInt(next.sqrtRatioX96.toString()),
    tick: next.tickCurrent,
    liquidity: BigInt(next.liquidity.toString()),
  };
}

/**
 * Runs one swap through the SDK (see sdkSwapRaw) and returns its answer as bigints.
 *
 * @example
 * const { amountCalculated } = await sdkSwap(reference, { zeroForOne: true, amountSpecified: 10n ** 15n });
 */
export async function sdkSwap(reference: SdkReferencePool, parameters: SwapParameters): Promise<SdkSwapReturnType> {
  return fromSdkRaw(await sdkSwapRaw(reference, parameters));
}
