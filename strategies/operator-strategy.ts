/**
 * Strategies as RxJS operators, for those who think in streams, and any strategy instance as an
 * operator, for pipelines.
 *
 * Operators must be synchronous (map, filter, scan, pairwise, bufferCount, ...): time is the events'
 * time, never a scheduler's, so debounceTime/delay and friends have no place in a strategy.
 */
import { Subject, filter, map, type OperatorFunction } from 'rxjs';
import type { MarketSnapshot } from '../agent/model/ports.js';
import type { Signal } from '../agent/model/decision.js';
import { MandateError } from '../agent/model/base-error.js';
import {
  defineStrategy,
  type MarketSource,
  type ParamsSchema,
  type StrategyDefinition,
  type StrategyInitContext,
  type StrategyInstance,
  type StrategyParams,
} from './define-strategy.js';

/** What builds the operator: the instance id, validated params and market. */
export type OperatorStrategyContext<Params> = StrategyInitContext<Params>;

/** Builds one instance's operator from its context. */
export type StrategyOperatorFactory<Params> = (
  ctx: OperatorStrategyContext<Params>,
) => OperatorFunction<MarketSnapshot, Signal>;

type OperatorState = {
  input: Subject<MarketSnapshot>;
  inEvent: boolean;
  emitted: Signal | undefined;
  failure: { error: unknown } | undefined;
};

/**
 * An operator strategy emitted a signal between events (a time-based operator), which has no event time.
 *
 * @example
 * fromOperator('late', z.object({}), () => (m$) => m$.pipe(delay(5), map(toSignal))); // its next onMarket throws this
 */
export class OperatorTimingError extends MandateError {
  override name = 'OperatorTimingError';
  constructor(name: string, signal: Signal) {
    super(`Operator strategy "${name}" emitted a signal outside a market event.`, {
      details: `Signal "${signal.reason}" arrived between events; use only synchronous operators (map, filter, scan, pairwise, bufferCount), never delay, debounceTime or other scheduler-based ones.`,
    });
  }
}

/**
 * Defines a strategy from an RxJS operator `(market$: Observable<MarketSnapshot>) => Observable<Signal>`.
 * The result is an ordinary strategy definition: it validates params, runs through
 * `createStrategyInstance`, and the kernel calls it per event like any other.
 *
 * Each snapshot the operator receives is its own object with `last` fixed (the maps are the kernel's live
 * ones), so operators that keep earlier values (pairwise, scan) should keep `snapshot.last` or numbers.
 * If the operator emits several signals for one event, the last one wins. If it throws, that event's
 * `onMarket` (and every later one) throws the operator's error; a signal emitted between events (by a
 * scheduler-based operator) makes the next `onMarket` throw an OperatorTimingError.
 *
 * @example
 * const jump = fromOperator('jump', z.object({ bps: z.number().default(50) }), ({ id, params }) => (market$) =>
 *   market$.pipe(
 *     map((m) => m.last),
 *     filter((e) => e?.kind === 'oracle'),
 *     map((e) => ({ time: e.time, price: oraclePrice(e) })),
 *     pairwise(),
 *     filter(([a, b]) => Math.abs(b.price / a.price - 1) * 10_000 >= params.bps),
 *     map(([a, b]) => ({ strategyId: id, side: b.price < a.price ? 'buy' : 'sell', strength: 1,
 *       reason: `price ${a.price} → ${b.price}`, time: b.time })),
 *   ),
 * );
 */
export function fromOperator<Schema extends ParamsSchema>(
  name: string,
  params: Schema,
  operator: StrategyOperatorFactory<StrategyParams<Schema>>,
  options: {
    description?: string;
    requires?: readonly MarketSource[] | ((params: StrategyParams<Schema>) => readonly MarketSource[]);
  } = {},
): StrategyDefinition<Schema, OperatorState> {
  return defineStrategy<Schema, OperatorState>({
    name,
    description: options.description ?? `${name} (RxJS operator strategy)`,
    params,
    ...(options.requires === undefined ? {} : { requires: options.requires }),
    init(ctx) {
      const state: OperatorState = { input: new Subject<MarketSnapshot>(), inEvent: false, emitted: undefined, failure: undefined };
      state.input.pipe(operator(ctx)).subscribe({
        next: (signal) => {
          if (state.inEvent) state.emitted = signal;
          else state.failure ??= { error: new OperatorTimingError(name, signal) };
        },
        // An operator that throws has ended its stream: surface it rather than go silent forever.
        error: (error: unknown) => {
          state.failure = { error };
        },
      });
      return state;
    },
    onMarket(market, ctx) {
      ctx.state.emitted = undefined;
      ctx.state.inEvent = true;
      try {
        ctx.state.input.next({ oracles: market.oracles, pools: market.pools, last: market.last });
      } finally {
        ctx.state.inEvent = false;
      }
      if (ctx.state.failure !== undefined) throw ctx.state.failure.error;
      return ctx.state.emitted;
    },
  });
}

/**
 * Any strategy instance as an operator from snapshots to signals: `market$.pipe(strategyOperator(i))`.
 * The instance keeps its state, so subscribe to the result once.
 *
 * @example
 * const signal$ = market$.pipe(strategyOperator(createStrategyInstance(trend, { id: 't', market })));
 */
export function strategyOperator(instance: StrategyInstance): OperatorFunction<MarketSnapshot, Signal> {
  return (market$) =>
    market$.pipe(
      map((snapshot) => instance.onMarket(snapshot)),
      filter((signal): signal is Signal => signal !== undefined),
    );
}
