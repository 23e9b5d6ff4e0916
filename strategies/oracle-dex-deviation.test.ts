import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { MarketEvent } from '../agent/model/market-event.js';
import { createStrategyInstance, StrategyParamsError } from './define-strategy.js';
import { chainlinkEthUsdRounds, uniswapUsdcWethSwaps } from './fixtures/real-market-data.js';
import { oracleDexDeviation, quoteToMovePool } from './oracle-dex-deviation.js';
import { oraclePrice, poolPrice } from './prices.js';
import { exampleMarket, oracleUpdate, poolUpdate, replay } from './testing.js';

const require = createRequire(import.meta.url);
const { SqrtPriceMath, encodeSqrtRatioX96 } = require('@uniswap/v3-sdk');
const JSBI = require('jsbi');

const t0 = 1_700_000_000;
const deep = 10n ** 20n; // enough liquidity that closing the gap costs more than maxSizeQuote

function instance(params: Record<string, unknown> = {}) {
  return createStrategyInstance(oracleDexDeviation, { id: 'arb', params, market: exampleMarket });
}

describe('oracle-dex-deviation', () => {
  it('buys when the pool is cheaper than the oracle by more than fee + gas + margin', () => {
    // fee 5 bps (pool 500) + gas 5/10000 = 5 bps + margin 10 = 20 bps; the pool is 50 bps under
    const fired = replay(instance(), [oracleUpdate(2000, t0), poolUpdate(1990, t0 + 12, { liquidity: deep })]);
    expect(fired).toHaveLength(1);
    const { index, signal } = fired[0]!;
    expect(index).toBe(1);
    expect(signal).toMatchObject({ strategyId: 'arb', side: 'buy', sizeQuote: '10000', time: t0 + 12 });
    expect(signal.strength).toBe(1); // 50 bps is more than twice the 20 bps threshold
    expect(signal.reason).toMatch(/^pool 1990\.0000 vs oracle 2000\.0000 USDC per WETH: gap 50\.0 bps > fee 5 \+ gas 5\.0 \+ margin 10 bps; buy WETH/);
  });

  it('sells when the pool is dearer, and fires on the oracle update that opens the gap', () => {
    const fired = replay(instance(), [
      poolUpdate(2000, t0, { liquidity: deep }),
      oracleUpdate(2001, t0 + 1),
      oracleUpdate(1990, t0 + 2),
    ]);
    expect(fired.map((f) => [f.index, f.signal.side])).toEqual([[2, 'sell']]);
  });

  it('stays silent when the gap does not beat the costs', () => {
    // 15 bps gap < 20 bps threshold
    expect(replay(instance(), [oracleUpdate(2000, t0), poolUpdate(1997, t0 + 1, { liquidity: deep })])).toEqual([]);
    // 50 bps gap, but in a shallow pool closing it is worth only ~1.2k USDC, so 5 USDC of gas is ~40 bps
    const shallow = replay(instance(), [oracleUpdate(2000, t0), poolUpdate(1990, t0 + 1, { liquidity: 10n ** 16n })]);
    expect(shallow).toEqual([]);
  });

  it('needs both prices and a fresh oracle', () => {
    expect(replay(instance(), [poolUpdate(1900, t0, { liquidity: deep })])).toEqual([]);
    expect(replay(instance(), [oracleUpdate(2000, t0)])).toEqual([]);
    const stale = replay(instance({ maxOracleAgeSeconds: 600 }), [
      oracleUpdate(2000, t0),
      poolUpdate(1900, t0 + 601, { liquidity: deep }),
    ]);
    expect(stale).toEqual([]);
  });

  it('waits cooldownSeconds of event time between signals', () => {
    const events = [oracleUpdate(2000, t0), ...[1, 30, 60, 61, 125].map((dt) => poolUpdate(1980, t0 + dt, { liquidity: deep }))];
    const fired = replay(instance({ cooldownSeconds: 60 }), events);
    expect(fired.map((f) => f.signal.time - t0)).toEqual([1, 61, 125]);
  });

  it('sizes to close the gap when that is below the cap', () => {
    const fired = replay(instance({ gasCostQuote: 0.01, maxSizeQuote: '1000000' }), [
      oracleUpdate(2000, t0),
      poolUpdate(1990, t0 + 1, { liquidity: 10n ** 16n }),
    ]);
    const size = Number(fired[0]!.signal.sizeQuote);
    expect(size).toBeGreaterThan(1000);
    expect(size).toBeLessThan(1500);
  });

  it('estimates the quote needed to move a real pool to a real oracle price like the Uniswap SDK', () => {
    const swaps = uniswapUsdcWethSwaps();
    const rounds = chainlinkEthUsdRounds();
    const cases = [swaps[0]!, swaps[Math.floor(swaps.length / 2)]!, swaps.at(-1)!];
    for (const swap of cases) {
      const round = rounds.filter((r) => r.time <= swap.time).at(-1)!;
      const oracle = oraclePrice(round);
      expect(Math.abs(poolPrice(swap, exampleMarket) / oracle - 1)).toBeLessThan(0.01);
      for (const target of [oracle, oracle * 1.003, oracle * 0.997]) {
        // token0 = USDC (6), token1 = WETH (18): token1 per token0 = 1e12 / price
        const answer = BigInt(Math.round(target * 1e8));
        const sqrtTarget = encodeSqrtRatioX96((10n ** 20n).toString(), answer.toString());
        const sqrtCurrent = JSBI.BigInt(swap.sqrtPriceX96.toString());
        const liquidity = JSBI.BigInt(swap.liquidity.toString());
        const priceFalls = JSBI.lessThan(sqrtTarget, sqrtCurrent);
        // price (token1 per token0) falls when WETH gets dearer: USDC (token0) goes in
        const expected = priceFalls
          ? Number(SqrtPriceMath.getAmount0Delta(sqrtTarget, sqrtCurrent, liquidity, true).toString()) / 1e6
          : (Number(SqrtPriceMath.getAmount1Delta(sqrtCurrent, sqrtTarget, liquidity, true).toString()) / 1e18) * target;
        const estimate = quoteToMovePool(swap, target, exampleMarket);
        expect(Math.abs(estimate - expected) / expected).toBeLessThan(1e-6);
      }
    }
  });

  it('signals in the direction of the gap on the real pool and oracle of 2024-01-05', () => {
    const swaps = uniswapUsdcWethSwaps();
    const first = swaps[0]!.time;
    const last = swaps.at(-1)!.time;
    const rounds = chainlinkEthUsdRounds().filter((r) => r.time >= first - 3_600 && r.time <= last);
    const events: MarketEvent[] = [...rounds, ...swaps].sort((a, b) => a.time - b.time);
    const fired = replay(instance({ marginBps: 0, gasCostQuote: 1 }), events);
    expect(fired.length).toBeGreaterThan(0);
    for (const { signal } of fired) {
      const [, pool, oracle] = /^pool ([\d.]+) vs oracle ([\d.]+)/.exec(signal.reason)!;
      expect(signal.side).toBe(Number(pool) < Number(oracle) ? 'buy' : 'sell');
    }
    for (let i = 1; i < fired.length; i += 1) {
      expect(fired[i]!.signal.time - fired[i - 1]!.signal.time).toBeGreaterThanOrEqual(60);
    }
  });

  it('needs a fee: from params or from the market', () => {
    const { poolFee: _fee, ...noFee } = exampleMarket;
    expect(() => createStrategyInstance(oracleDexDeviation, { id: 'arb', market: noFee })).toThrow(StrategyParamsError);
    expect(() => createStrategyInstance(oracleDexDeviation, { id: 'arb', market: noFee })).toThrow(/"feeBps"[\s\S]*market\.poolFee/);
    expect(() => createStrategyInstance(oracleDexDeviation, { id: 'arb', params: { feeBps: 30 }, market: noFee })).not.toThrow();
    expect(() => instance({ marginBps: -1 })).toThrow(/"marginBps"/);
  });
});
