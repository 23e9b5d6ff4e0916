import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createStrategyInstance,
  defineStrategy,
  parseStrategyParams,
  StrategyMarketError,
  StrategyParamsError,
  type StrategyContext,
} from './define-strategy.js';
import { MandateError } from '../agent/model/base-error.js';
import { createSnapshotTracker, exampleMarket, oracleUpdate, poolUpdate, replay } from './testing.js';
import { toAddress, type Address } from '../agent/model/address.js';

const t0 = 1_700_000_000;
const otherFeed = toAddress('0x986b5E1e1755e3C2440e960477f25201B0a8bbD4');

/** Records what it was given, and signals on every oracle round above `above`. */
function makeProbe() {
  const seen: { time: number; ctx: unknown; oracle: number | undefined; pool: bigint | undefined }[] = [];
  const probe = defineStrategy({
    name: 'probe',
    description: 'Test probe.',
    params: z.object({ above: z.number().default(100), label: z.string().default('x') }),
    requires: ['oracle'],
    init: ({ params }) => ({ count: 0, label: params.label }),
    onMarket(market, ctx: StrategyContext<{ above: number; label: string }, { count: number; label: string }>) {
      ctx.state.count += 1;
      seen.push({ time: ctx.now(), ctx, oracle: ctx.latestOracle()?.time, pool: ctx.latestPool()?.sqrtPriceX96 });
      const event = market.last;
      if (event?.kind !== 'oracle' || Number(event.answer) / 1e8 <= ctx.params.above) return undefined;
      return { strategyId: ctx.id, side: 'buy', strength: 1, reason: `#${ctx.state.count}`, time: ctx.now() };
    },
  });
  return { probe, seen };
}

describe('defineStrategy and createStrategyInstance', () => {
  it('applies defaults and exposes the validated params', () => {
    const { probe } = makeProbe();
    const instance = createStrategyInstance(probe, { id: 'p', params: { above: 5 }, market: exampleMarket });
    expect(instance.params).toEqual({ above: 5, label: 'x' });
    expect(instance.name).toBe('probe');
    expect(instance.id).toBe('p');
    expect(parseStrategyParams(probe, undefined)).toEqual({ above: 100, label: 'x' });
  });

  it('gives the strategy the event time, its latest oracle and pool, and one reused context', () => {
    const { probe, seen } = makeProbe();
    const instance = createStrategyInstance(probe, { id: 'p', params: { above: 1500 }, market: exampleMarket });
    const pool = poolUpdate(2000, t0 + 5);
    const fired = replay(instance, [oracleUpdate(1000, t0), pool, oracleUpdate(2000, t0 + 9)]);
    expect(seen.map((s) => s.time)).toEqual([t0, t0 + 5, t0 + 9]);
    expect(seen.map((s) => s.oracle)).toEqual([t0, t0, t0 + 9]);
    expect(seen.map((s) => s.pool)).toEqual([undefined, pool.sqrtPriceX96, pool.sqrtPriceX96]);
    expect(new Set(seen.map((s) => s.ctx)).size).toBe(1);
    expect(fired).toEqual([{ index: 2, signal: { strategyId: 'p', side: 'buy', strength: 1, reason: '#3', time: t0 + 9 } }]);
  });

  it('ignores events of other feeds and pools', () => {
    const { probe, seen } = makeProbe();
    const instance = createStrategyInstance(probe, { id: 'p', market: exampleMarket });
    replay(instance, [
      oracleUpdate(2000, t0, { feed: otherFeed }),
      poolUpdate(2000, t0 + 1, { pool: otherFeed }),
      oracleUpdate(2000, t0 + 2, { feed: exampleMarket.oracle! }),
    ]);
    expect(seen.map((s) => s.time)).toEqual([t0 + 2]);
  });

  it('finds the pool in a snapshot the kernel filled before the instance saw it', () => {
    const { probe, seen } = makeProbe();
    const instance = createStrategyInstance(probe, { id: 'p', market: exampleMarket });
    const tracker = createSnapshotTracker();
    const pool = poolUpdate(1990, t0);
    tracker.apply(pool);
    instance.onMarket(tracker.apply(oracleUpdate(2000, t0 + 1)));
    expect(seen[0]!.pool).toBe(pool.sqrtPriceX96);
  });

  it('passes every event to a strategy whose market names no oracle or pool', () => {
    const seen: number[] = [];
    const clock = defineStrategy({
      name: 'clock',
      description: 'Sees all.',
      params: z.object({}),
      init: () => undefined,
      onMarket: (_market, ctx) => void seen.push(ctx.now()),
    });
    const { oracle: _o, pool: _p, ...tokensOnly } = exampleMarket;
    replay(createStrategyInstance(clock, { id: 'c', market: tokensOnly }), [
      oracleUpdate(1, t0, { feed: otherFeed }),
      poolUpdate(1, t0 + 1, { pool: otherFeed }),
    ]);
    expect(seen).toEqual([t0, t0 + 1]);
  });

  it('shows balances by token address, replaced by setBalances', () => {
    let balances: ReadonlyMap<Address, bigint> | undefined;
    const spy = defineStrategy({
      name: 'spy',
      description: 'Reads balances.',
      params: z.object({}),
      init: () => undefined,
      onMarket: (_m, ctx) => void (balances = ctx.balances),
    });
    const instance = createStrategyInstance(spy, {
      id: 's',
      market: exampleMarket,
      balances: new Map([[exampleMarket.base.address, 5n]]),
    });
    const tracker = createSnapshotTracker();
    instance.onMarket(tracker.apply(oracleUpdate(1, t0)));
    expect(balances?.get(exampleMarket.base.address)).toBe(5n);
    instance.setBalances(new Map([[exampleMarket.quote.address, 7n]]));
    instance.onMarket(tracker.apply(oracleUpdate(1, t0 + 1)));
    expect([...balances!]).toEqual([[exampleMarket.quote.address, 7n]]);
  });

  it('rejects bad params with a StrategyParamsError naming strategy, key, value and what is allowed', () => {
    const { probe } = makeProbe();
    const make = (params: unknown) => createStrategyInstance(probe, { id: 'p', params, market: exampleMarket });
    let error: unknown;
    try {
      make({ above: 'high' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StrategyParamsError);
    expect(error).toBeInstanceOf(MandateError);
    expect(error).toMatchObject({ name: 'StrategyParamsError', strategy: 'probe', key: 'above', value: 'high' });
    expect((error as Error).message).toMatch(/^Invalid param "above" for strategy "probe"\.[\s\S]*Got "high"; allowed: .*expected number/);
    expect(() => make({ abov: 1 })).toThrow(/no such param; its params are above, label/);
    expect(() => make([1])).toThrow(/params are an object/);
    expect(() => createStrategyInstance(probe, { id: '', market: exampleMarket })).toThrow(/"id"/);
  });

  it('rejects a market without what the strategy requires, or with bad tokens', () => {
    const { probe } = makeProbe();
    const { oracle: _o, ...noOracle } = exampleMarket;
    expect(() => createStrategyInstance(probe, { id: 'p', market: noOracle })).toThrow(StrategyMarketError);
    expect(() => createStrategyInstance(probe, { id: 'p', market: noOracle })).toThrow(/no oracle configured[\s\S]*market\.oracle/);
    const badToken = { ...exampleMarket, base: { address: '0x1234' as Address, decimals: 18 } };
    expect(() => createStrategyInstance(probe, { id: 'p', market: badToken })).toThrow(/bad base token[\s\S]*"0x1234"/);
    const badDecimals = { ...exampleMarket, quote: { ...exampleMarket.quote, decimals: 6.5 } };
    expect(() => createStrategyInstance(probe, { id: 'p', market: badDecimals })).toThrow(/bad quote decimals/);
    const badPool = { ...exampleMarket, pool: 'pool-1' as Address };
    expect(() => createStrategyInstance(probe, { id: 'p', market: badPool })).toThrow(/bad pool address[\s\S]*"pool-1"/);
    const same = { ...exampleMarket, quote: exampleMarket.base };
    expect(() => createStrategyInstance(probe, { id: 'p', market: same })).toThrow(/base equals quote/);
  });

  it('wants kebab-case names', () => {
    expect(() =>
      defineStrategy({ name: 'My Strategy', description: '', params: z.object({}), init: () => 0, onMarket: () => undefined }),
    ).toThrow(/kebab-case/);
  });
});
