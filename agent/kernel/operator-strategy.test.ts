import { bufferCount, delay, filter, map, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Address, OracleUpdate } from '../market/market-event.js';
import { MarketState } from './market-state.js';
import { operatorStrategy, OperatorStrategyError } from './operator-strategy.js';
import type { Signal } from './types.js';

const feed: Address = '0x5f4ec3df9cbd43714fe2740f5e3616155c5b8419';
const round = (i: number, price: bigint): OracleUpdate => ({
  kind: 'oracle',
  feed,
  roundId: BigInt(i),
  answer: price * 10n ** 8n,
  decimals: 8,
  updatedAt: BigInt(1000 + i),
  time: 1000 + i,
});

/** Feeds prices one event at a time and collects what the strategy returns per event. */
function drive(strategy: ReturnType<typeof operatorStrategy>, prices: bigint[]) {
  const state = new MarketState();
  return prices.map((price, i) => {
    state.apply(round(i, price));
    return strategy.onMarket(state);
  });
}

const rising = (id: string) =>
  operatorStrategy(id, (snapshots$) =>
    snapshots$.pipe(
      map((m) => m.last as OracleUpdate),
      bufferCount(2, 1),
      filter(([a, b]) => b!.answer > a!.answer),
      map(([, b]): Signal => ({ strategyId: id, side: 'buy', strength: 1, reason: `rose to ${b!.answer / 10n ** 8n}`, time: b!.time })),
    ),
  );

describe('operatorStrategy', () => {
  it('returns what the operator emits in response to each event, and undefined otherwise', () => {
    const results = drive(rising('rising'), [100n, 101n, 100n, 100n, 105n]);
    expect(results.map((s) => s?.reason)).toEqual([undefined, 'rose to 101', undefined, undefined, 'rose to 105']);
    expect(results[4]).toMatchObject({ strategyId: 'rising', time: 1004 });
  });

  it('refuses signals emitted between events (time-based operators)', async () => {
    const delayed = operatorStrategy('delayed', (snapshots$) =>
      snapshots$.pipe(
        map((m): Signal => ({ strategyId: 'delayed', side: 'sell', strength: 1, reason: 'late', time: m.last!.time })),
        delay(0),
      ),
    );
    const state = new MarketState();
    state.apply(round(0, 100n));
    expect(delayed.onMarket(state)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 5));
    state.apply(round(1, 100n));
    expect(() => delayed.onMarket(state)).toThrow(/emitted a signal between market events/);
  });

  it('throws on every event once its stream has completed', () => {
    const once = operatorStrategy('once', (snapshots$) =>
      snapshots$.pipe(
        take(1),
        map((m): Signal => ({ strategyId: 'once', side: 'buy', strength: 1, reason: 'first', time: m.last!.time })),
      ),
    );
    const state = new MarketState();
    state.apply(round(0, 1n));
    // take(1) completes right after its one value: that event's signal is still returned.
    expect(once.onMarket(state)?.reason).toBe('first');
    expect(() => once.onMarket(state)).toThrow(OperatorStrategyError);
    expect(() => once.onMarket(state)).toThrow(/completed/);
  });
});
