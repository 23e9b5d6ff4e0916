/**
 * Small helpers to test strategies without a chain: synthetic market events, and a replay that keeps a
 * MarketSnapshot up to date exactly as the kernel does (snapshot updated first, then the strategy called).
 */
import type { MarketSnapshot } from '../agent/model/ports.js';
import type { Signal } from '../agent/model/decision.js';
import { toAddress, type Address } from '../agent/model/address.js';
import type { MarketEvent, OracleUpdate, PoolUpdate } from '../agent/model/market-event.js';
import type { StrategyInstance, StrategyMarket } from './define-strategy.js';
import { baseIsToken0 } from './prices.js';

/**
 * A WETH/USDC market with the Ethereum mainnet addresses (ETH/USD feed, USDC/WETH 0.05 % pool).
 *
 * @example
 * createStrategyInstance(builtinStrategies.trend, { id: 't', market: exampleMarket });
 */
export const exampleMarket: StrategyMarket = {
  oracle: toAddress('0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419'),
  pool: toAddress('0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640'),
  poolFee: 500,
  base: { address: toAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'), decimals: 18, symbol: 'WETH' },
  quote: { address: toAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'), decimals: 6, symbol: 'USDC' },
};

/**
 * An oracle round at `price` (a number, converted to `decimals` fixed point) and `time` (unix seconds).
 *
 * @example
 * oracleUpdate(2000, 1_700_000_000); // answer 200000000000n, 8 decimals, feed = exampleMarket.oracle
 */
export function oracleUpdate(
  price: number,
  time: number,
  options: { feed?: Address; decimals?: number; roundId?: bigint } = {},
): OracleUpdate {
  const decimals = options.decimals ?? 8;
  return {
    kind: 'oracle',
    feed: options.feed ?? exampleMarket.oracle!,
    roundId: options.roundId ?? BigInt(time),
    answer: BigInt(Math.round(price * 10 ** decimals)),
    decimals,
    updatedAt: BigInt(time),
    time,
  };
}

/**
 * A pool state whose price of base in quote is `price` (human units) for `market`'s token order.
 *
 * @example
 * poolUpdate(1990, 1_700_000_000); // the example pool at 1,990 USDC per WETH
 */
export function poolUpdate(
  price: number,
  time: number,
  options: { market?: StrategyMarket; pool?: Address; liquidity?: bigint; block?: bigint; logIndex?: number } = {},
): PoolUpdate {
  const market = options.market ?? exampleMarket;
  const humanToRaw = 10 ** (market.quote.decimals - market.base.decimals);
  const raw = baseIsToken0(market) ? price * humanToRaw : 1 / (price * humanToRaw);
  const sqrtPriceX96 = BigInt(Math.round(Math.sqrt(raw) * 2 ** 96));
  return {
    kind: 'pool',
    pool: options.pool ?? market.pool ?? exampleMarket.pool!,
    sqrtPriceX96,
    tick: Math.floor(Math.log(raw) / Math.log(1.0001)),
    liquidity: options.liquidity ?? 10n ** 18n,
    block: options.block ?? BigInt(time),
    logIndex: options.logIndex ?? 0,
    time,
  };
}

/**
 * A MarketSnapshot the caller advances event by event, as the kernel does.
 *
 * @example
 * const tracker = createSnapshotTracker();
 * const snapshot = tracker.apply(oracleUpdate(2000, 1));
 */
export function createSnapshotTracker(): { snapshot: MarketSnapshot; apply(event: MarketEvent): MarketSnapshot } {
  const oracles = new Map<Address, OracleUpdate>();
  const pools = new Map<Address, PoolUpdate>();
  const snapshot: { oracles: typeof oracles; pools: typeof pools; last: MarketEvent | undefined } = {
    oracles,
    pools,
    last: undefined,
  };
  return {
    snapshot,
    apply(event) {
      if (event.kind === 'oracle') oracles.set(event.feed, event);
      else pools.set(event.pool, event);
      snapshot.last = event;
      return snapshot;
    },
  };
}

/**
 * Feeds events to a strategy instance in order and returns every signal with the index of the event
 * that produced it.
 *
 * @example
 * const fired = replay(instance, prices.map((p, i) => oracleUpdate(p, 1_700_000_000 + i * 60)));
 * expect(fired.map((f) => f.index)).toEqual([42]);
 */
export function replay(
  instance: StrategyInstance,
  events: Iterable<MarketEvent>,
): { index: number; signal: Signal }[] {
  const tracker = createSnapshotTracker();
  const fired: { index: number; signal: Signal }[] = [];
  let index = 0;
  for (const event of events) {
    const signal = instance.onMarket(tracker.apply(event));
    if (signal !== undefined) fired.push({ index, signal });
    index += 1;
  }
  return fired;
}
