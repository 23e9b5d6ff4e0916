import { describe, expect, it } from 'vitest';
import { toAddress, type Address } from '../model/address.js';
import type { OracleUpdate, PoolUpdate } from '../model/market-event.js';
import { MarketState } from './market-state.js';

const feed = toAddress('0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419');
const otherFeed = toAddress('0x8fffffd4afb6115b954bd326cbe7b4ba576818f6');
const pool = toAddress('0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640');

const round = (feed: Address, roundId: bigint, time: number): OracleUpdate => ({
  kind: 'oracle',
  feed,
  roundId,
  answer: 2000n * 10n ** 8n + roundId,
  decimals: 8,
  updatedAt: BigInt(time),
  time,
});
const swap = (block: bigint, time: number): PoolUpdate => ({ kind: 'pool', pool, sqrtPriceX96: 1n, tick: 0, liquidity: 1n, block, logIndex: 0, time });

describe('MarketState', () => {
  it('keeps the latest update per feed and per pool, and the current event as last', () => {
    const state = new MarketState();
    const a1 = round(feed, 1n, 10);
    const b1 = round(otherFeed, 1n, 11);
    const s1 = swap(5n, 12);
    const a2 = round(feed, 2n, 13);
    for (const event of [a1, b1, s1, a2]) state.apply(event);
    expect(state.oracles.size).toBe(2);
    expect(state.oracles.get(feed)).toBe(a2);
    expect(state.oracles.get(otherFeed)).toBe(b1);
    expect(state.pools.get(pool)).toBe(s1);
    expect(state.last).toBe(a2);
  });
});
