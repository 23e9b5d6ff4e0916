import { describe, expect, it } from 'vitest';
import { createPool, quoteSwap, swap, type SwapParameters, type SwapReturnType } from './pool.js';
import { randomPoolScenario, randomSwap } from '../../test/support/uniswap-v3/random-pool-scenario.js';
import { createSdkReferencePool, sdkSwap, type SdkSwapReturnType } from '../../test/support/uniswap-v3/sdk-reference.js';
import { createSeededRandom } from '../../test/support/uniswap-v3/seeded-random.js';
import { MAX_SQRT_RATIO, MIN_SQRT_RATIO } from './tick-math.js';

// Many swaps per pool: building an SDK pool is cheap, but each swap chains on the state the last one left,
// so the simulator is checked on evolving pools (ticks crossed back and forth), not just fresh ones.
const POOLS = 2_000;
const SWAPS_PER_POOL = 56;
const BASE_SEED = 20240105;

/** What the SDK can tell us about a swap: the computed side and the state after. */
function simulatedAsSdk(parameters: SwapParameters, result: SwapReturnType): SdkSwapReturnType {
  const { zeroForOne, amountSpecified } = parameters;
  const amountCalculated =
    amountSpecified > 0n ? -(zeroForOne ? result.amount1 : result.amount0) : zeroForOne ? result.amount0 : result.amount1;
  return { amountCalculated, sqrtPriceX96: result.sqrtPriceX96, tick: result.tick, liquidity: result.liquidity };
}

describe('simulator vs @uniswap/v3-sdk on random pools and swaps', () => {
  it(`matches the SDK exactly on ${POOLS * SWAPS_PER_POOL} seeded random swaps`, async () => {
    const mismatches: string[] = [];
    let compared = 0;
    let rejectedByBoth = 0;
    let ticksCrossed = 0;
    const seen = { exactIn: 0, exactOut: 0, zeroForOne: 0, oneForZero: 0, limited: 0, limitReached: 0, crossing: 0 };
    const fees = new Set<number>();
    const started = performance.now();
    for (let p = 0; p < POOLS; p++) {
      const seed = BASE_SEED + p;
      const random = createSeededRandom(seed);
      const scenario = randomPoolScenario(random);
      fees.add(scenario.fee);
      const pool = createPool(scenario);
      const reference = createSdkReferencePool(scenario);
      for (let s = 0; s < SWAPS_PER_POOL; s++) {
        const parameters = randomSwap(random, pool);
        let ours: SwapReturnType | Error;
        let theirs: SdkSwapReturnType | Error;
        try {
          ours = swap(pool, parameters);
        } catch (error) {
          ours = error as Error;
        }
        try {
          theirs = await sdkSwap(reference, parameters);
        } catch (error) {
          theirs = error as Error;
        }
        const where = `seed ${seed} swap ${s} ${JSON.stringify(parameters, (_k, v) => (typeof v === 'bigint' ? `${v}` : v))}`;
        if (ours instanceof Error || theirs instanceof Error) {
          if (!(ours instanceof Error && theirs instanceof Error)) {
            mismatches.push(`${where}: ours ${ours instanceof Error ? ours.message : 'ok'}, sdk ${theirs instanceof Error ? theirs.message : 'ok'}`);
          } else rejectedByBoth++;
          // After a one-sided failure the pools disagree; continue with a fresh pair to keep checking.
          if (mismatches.length > 0) break;
          continue;
        }
        compared++;
        ticksCrossed += ours.ticksCrossed;
        if (ours.ticksCrossed > 0) seen.crossing++;
        if (parameters.amountSpecified > 0n) seen.exactIn++;
        else seen.exactOut++;
        if (parameters.zeroForOne) seen.zeroForOne++;
        else seen.oneForZero++;
        if (parameters.sqrtPriceLimitX96 !== undefined) {
          seen.limited++;
          if (ours.sqrtPriceX96 === parameters.sqrtPriceLimitX96) seen.limitReached++;
        }
        // The SDK reports only the computed side; when the swap did not stop at a price limit, the SDK's own
        // loop has used exactly the specified amount, so ours must have too.
        const specifiedSide = parameters.zeroForOne === parameters.amountSpecified > 0n ? ours.amount0 : ours.amount1;
        const stoppedAtLimit = ours.sqrtPriceX96 === (parameters.sqrtPriceLimitX96 ?? (parameters.zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n));
        if (!stoppedAtLimit && specifiedSide !== parameters.amountSpecified) {
          mismatches.push(`${where}: used ${specifiedSide} of the specified amount without reaching the limit`);
          break;
        }
        const expected = simulatedAsSdk(parameters, ours);
        if (
          expected.amountCalculated !== theirs.amountCalculated ||
          expected.sqrtPriceX96 !== theirs.sqrtPriceX96 ||
          expected.tick !== theirs.tick ||
          expected.liquidity !== theirs.liquidity
        ) {
          mismatches.push(`${where}: ours ${JSON.stringify(expected, (_k, v) => (typeof v === 'bigint' ? `${v}` : v))}, sdk ${JSON.stringify(theirs, (_k, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
          break;
        }
      }
      if (mismatches.length >= 5) break;
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `differential: ${compared} swaps compared (+${rejectedByBoth} rejected by both), ${ticksCrossed} tick crossings, ${JSON.stringify(seen)}, ${seconds.toFixed(1)} s`,
    );
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(100_000);
    // The random mix must really exercise every path, or matching would prove little.
    expect(fees).toEqual(new Set([100, 500, 3000, 10000]));
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(5_000);
    // ~15 s on an idle 2-core machine; the generous limit is for a machine shared with other suites.
  }, 300_000);

  it('quoteSwap leaves the pool untouched and agrees with swap', () => {
    const random = createSeededRandom(7);
    const pool = createPool(randomPoolScenario(random));
    for (let i = 0; i < 200; i++) {
      const parameters = randomSwap(random, pool);
      const before = { sqrtPriceX96: pool.sqrtPriceX96, tick: pool.tick, liquidity: pool.liquidity };
      let quoted: SwapReturnType;
      try {
        quoted = quoteSwap(pool, parameters);
      } catch {
        continue;
      }
      expect({ sqrtPriceX96: pool.sqrtPriceX96, tick: pool.tick, liquidity: pool.liquidity }).toEqual(before);
      expect(swap(pool, parameters)).toEqual(quoted);
    }
  });
});
