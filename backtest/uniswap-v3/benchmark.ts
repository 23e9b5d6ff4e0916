import { createPool, swap, type PositionParameters, type SwapParameters } from './pool.js';
import { createSdkReferencePool, sdkSwap } from './sdk-reference.js';
import { createSeededRandom } from './seeded-random.js';

export type SwapBenchmarkParameters = {
  /** Swaps in the sequence; the SDK runs it once, the simulator repeats it until its timing is stable. */
  swaps?: number | undefined;
  seed?: number | undefined;
  /** The simulator repeats the sequence for at least this long (default 500 ms) for a stable figure. */
  minNativeMilliseconds?: number | undefined;
};

export type SwapBenchmarkReturnType = {
  swaps: number;
  nativeSwapsPerSecond: number;
  sdkSwapsPerSecond: number;
  /** nativeSwapsPerSecond / sdkSwapsPerSecond. */
  speedup: number;
  /** Swaps where the simulator's output amount or resulting state differ from the SDK's. */
  mismatches: number;
  /** Initialised ticks crossed over the sequence (so a reader knows how much crossing was measured). */
  ticksCrossed: number;
};

// A pool shaped like mainnet USDC/WETH 0.05 % on 2024-01-05 (tick ~199,045, token0 USDC with 6 decimals,
// token1 WETH with 18): a wide base range plus narrower ranges stacked near the price, as LPs place them.
const FEE = 500;
const SQRT_PRICE_X96 = 1662995104975155420368771254341874n;
const TICK = 199045;

function realisticPositions(seed: number): PositionParameters[] {
  const random = createSeededRandom(seed);
  const positions: PositionParameters[] = [{ tickLower: 180000, tickUpper: 220000, liquidity: 2n * 10n ** 18n }];
  for (let i = 0; i < 40; i++) {
    const width = random.int(1, 120) * 10;
    const center = TICK + random.int(-600, 600);
    const tickLower = Math.floor((center - width / 2) / 10) * 10;
    positions.push({ tickLower, tickUpper: tickLower + width, liquidity: random.magnitude(18) + 10n ** 15n });
  }
  return positions;
}

/** Exact-input swaps sized like the real ones: $1 to ~$1M of USDC in, or 0.0005 to ~500 WETH in. */
function realisticSwaps(seed: number, count: number): SwapParameters[] {
  const random = createSeededRandom(seed);
  const swaps: SwapParameters[] = [];
  for (let i = 0; i < count; i++) {
    const zeroForOne = random.next() < 0.5;
    const dollars = Math.exp(random.next() * Math.log(1_000_000));
    const amountSpecified = zeroForOne
      ? BigInt(Math.ceil(dollars * 1e6))
      : (BigInt(Math.ceil(dollars * 1e6)) * 10n ** 12n) / 2260n;
    swaps.push({ zeroForOne, amountSpecified });
  }
  return swaps;
}

/**
 * Swaps per second of the simulator against @uniswap/v3-sdk's Pool.getOutputAmount on the same sequence
 * of realistic swaps from the same pool (each swap starts from the state the previous one left), plus
 * how many results differ (expected: 0).
 *
 * @example
 * const { speedup, mismatches } = await benchmarkSwapSimulator({ swaps: 5_000 });
 */
export async function benchmarkSwapSimulator(parameters: SwapBenchmarkParameters = {}): Promise<SwapBenchmarkReturnType> {
  const count = parameters.swaps ?? 5_000;
  const seed = parameters.seed ?? 1;
  const positions = realisticPositions(seed);
  const swaps = realisticSwaps(seed + 1, count);
  const scenario = { fee: FEE, sqrtPriceX96: SQRT_PRICE_X96, tick: TICK, positions };

  // Warm both up first (JIT), so neither side is measured cold.
  const warmUp = swaps.slice(0, Math.min(500, count));
  const warmReference = createSdkReferencePool(scenario);
  for (const parameters of warmUp) await sdkSwap(warmReference, parameters);
  const warmPool = createPool(scenario);
  for (const parameters of warmUp) swap(warmPool, parameters);

  // SDK: one pass, recording what it answers.
  const reference = createSdkReferencePool(scenario);
  const expected: { amountOut: bigint; sqrtPriceX96: bigint; tick: number; liquidity: bigint }[] = [];
  const sdkStart = performance.now();
  for (const parameters of swaps) {
    const r = await sdkSwap(reference, parameters);
    expected.push({ amountOut: r.amountCalculated, sqrtPriceX96: r.sqrtPriceX96, tick: r.tick, liquidity: r.liquidity });
  }
  const sdkSeconds = (performance.now() - sdkStart) / 1000;

  // Simulator: check one pass against the SDK, then time whole passes until enough time has passed.
  let mismatches = 0;
  let ticksCrossed = 0;
  const checked = createPool(scenario);
  swaps.forEach((parameters, i) => {
    const r = swap(checked, parameters);
    ticksCrossed += r.ticksCrossed;
    const amountOut = parameters.zeroForOne ? -r.amount1 : -r.amount0;
    const e = expected[i]!;
    if (amountOut !== e.amountOut || r.sqrtPriceX96 !== e.sqrtPriceX96 || r.tick !== e.tick || r.liquidity !== e.liquidity) mismatches++;
  });
  let passes = 0;
  const nativeStart = performance.now();
  let elapsed = 0;
  while (elapsed < (parameters.minNativeMilliseconds ?? 500) || passes < 3) {
    const pool = createPool(scenario);
    for (let i = 0; i < swaps.length; i++) swap(pool, swaps[i]!);
    passes++;
    elapsed = performance.now() - nativeStart;
  }
  const nativeSwapsPerSecond = (passes * count) / (elapsed / 1000);
  const sdkSwapsPerSecond = count / sdkSeconds;
  return {
    swaps: count,
    nativeSwapsPerSecond: Math.round(nativeSwapsPerSecond),
    sdkSwapsPerSecond: Math.round(sdkSwapsPerSecond),
    speedup: Math.round((nativeSwapsPerSecond / sdkSwapsPerSecond) * 10) / 10,
    mismatches,
    ticksCrossed,
  };
}
