import { delay, filter, map, pairwise, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { MarketSnapshot } from '../agent/model/ports.js';
import type { Signal } from '../agent/model/decision.js';
import type { MarketEvent } from '../agent/model/market-event.js';
import { createStrategyInstance, StrategyParamsError } from './define-strategy.js';
import { fromOperator, OperatorTimingError, strategyOperator } from './operator-strategy.js';
import { oraclePrice } from './prices.js';
import { exampleMarket, oracleUpdate, poolUpdate } from './testing.js';
import { trend } from './trend.js';

const t0 = 1_700_000_000;

/** Each marble value is its own snapshot whose `last` is the event (what the kernel publishes). */
function snapshots(events: Record<string, MarketEvent>): Record<string, MarketSnapshot> {
  return Object.fromEntries(
    Object.entries(events).map(([letter, event]) => [letter, { oracles: new Map(), pools: new Map(), last: event }]),
  );
}

const jump = fromOperator(
  'jump',
  z.object({ bps: z.number().positive().default(50) }),
  ({ id, params }) =>
    (market$: Observable<MarketSnapshot>) =>
      market$.pipe(
        map((snapshot) => snapshot.last),
        filter((event): event is Extract<MarketEvent, { kind: 'oracle' }> => event?.kind === 'oracle'),
        map((event) => ({ time: event.time, price: oraclePrice(event) })),
        pairwise(),
        filter(([a, b]) => Math.abs(b.price / a.price - 1) * 10_000 >= params.bps),
        map(
          ([a, b]): Signal => ({
            strategyId: id,
            side: b.price < a.price ? 'buy' : 'sell',
            strength: 1,
            reason: `price ${a.price} → ${b.price}`,
            time: b.time,
          }),
        ),
      ),
  { requires: ['oracle'], description: 'Fades a jump between two rounds.' },
);

describe('operator strategies', () => {
  it('runs an RxJS operator strategy per event (marbles)', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const instance = createStrategyInstance(jump, { id: 'j', params: { bps: 100 }, market: exampleMarket });
      const values = snapshots({
        a: oracleUpdate(2000, t0),
        b: oracleUpdate(2010, t0 + 1), // +50 bps: below 100
        p: poolUpdate(1000, t0 + 2), // not an oracle round: ignored by the operator
        c: oracleUpdate(1980, t0 + 3), // −149 bps: buy
        d: oracleUpdate(2000, t0 + 4), // +101 bps: sell
      });
      const market$ = cold('a-b-p-c-d-|', values);
      expectObservable(market$.pipe(strategyOperator(instance), map((s) => `${s.side}@${s.time - t0}`))).toBe(
        '------x-y-|',
        { x: 'buy@3', y: 'sell@4' },
      );
    });
  });

  it('runs a defineStrategy instance as an operator (marbles): one signal at the cross', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const instance = createStrategyInstance(trend, { id: 't', params: { fastPeriod: 2, slowPeriod: 4 }, market: exampleMarket });
      const prices = [10, 9, 8, 7, 6, 8, 10, 12];
      const letters = 'abcdefgh';
      const values = snapshots(Object.fromEntries(prices.map((p, i) => [letters[i]!, oracleUpdate(p, t0 + i)])));
      expectObservable(cold('abcdefgh|', values).pipe(strategyOperator(instance), map((s) => s.side))).toBe(
        '------b-|',
        { b: 'buy' },
      );
    });
  });

  it('validates an operator strategy’s params and required sources like any strategy', () => {
    expect(() => createStrategyInstance(jump, { id: 'j', params: { bps: -1 }, market: exampleMarket })).toThrow(StrategyParamsError);
    const { oracle: _o, ...noOracle } = exampleMarket;
    expect(() => createStrategyInstance(jump, { id: 'j', market: noOracle })).toThrow(/no oracle configured/);
    expect(jump.description).toBe('Fades a jump between two rounds.');
  });

  it('refuses signals emitted between events (scheduler-based operators have no event time)', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ flush }) => {
      const late = fromOperator('late', z.object({}), ({ id }) => (market$) =>
        market$.pipe(
          delay(5),
          map((m): Signal => ({ strategyId: id, side: 'buy', strength: 1, reason: 'late', time: m.last!.time })),
        ),
      );
      const instance = createStrategyInstance(late, { id: 'l', market: exampleMarket });
      const [a, b] = Object.values(snapshots({ a: oracleUpdate(1, t0), b: oracleUpdate(2, t0 + 1) }));
      expect(instance.onMarket(a!)).toBeUndefined();
      flush();
      expect(() => instance.onMarket(b!)).toThrow(OperatorTimingError);
    });
  });

  it('surfaces an operator that throws instead of going silent', () => {
    const broken = fromOperator('broken', z.object({}), () => map(() => {
      throw new Error('boom');
    }));
    const instance = createStrategyInstance(broken, { id: 'b', market: exampleMarket });
    const [snapshot] = Object.values(snapshots({ a: oracleUpdate(1, t0) }));
    expect(() => instance.onMarket(snapshot!)).toThrow('boom');
    expect(() => instance.onMarket(snapshot!)).toThrow('boom');
  });
});
