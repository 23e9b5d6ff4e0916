import { Subject, type OperatorFunction } from 'rxjs';
import { MandateError } from '../errors/base-error.js';
import type { KernelStrategy, MarketSnapshot, Signal } from './types.js';

/** An operator strategy emitted outside the event that drove it, or its stream ended. */
export class OperatorStrategyError extends MandateError {
  override name = 'OperatorStrategyError';
  constructor(id: string, problem: string, details: string, cause?: unknown) {
    super(`Operator strategy "${id}" ${problem}.`, { details, cause });
  }
}

/**
 * Runs a strategy written as an RxJS operator (snapshots in, signals out) in the kernel, live and in
 * backtests alike. The operator is fed each snapshot synchronously and what it emits in response is
 * that event's signal (if it emits several, the last one). Time-based operators (delay, debounceTime,
 * bufferTime...) read the wall clock and would emit between events, so a signal emitted outside an event
 * is refused: the next call throws, which the kernel records as a strategy failure.
 *
 * The snapshot is the kernel's live state, updated in place: map it to the values you need (as below)
 * rather than buffering snapshots themselves.
 *
 * @example
 * const crossing = operatorStrategy('sma-cross', (snapshots$) =>
 *   snapshots$.pipe(
 *     filter((m) => m.last?.kind === 'oracle'),
 *     map((m) => ({ price: Number((m.last as OracleUpdate).answer) / 1e8, time: m.last!.time })),
 *     bufferCount(20, 1),
 *     map(averageCross), // → Signal | undefined
 *     filter((s): s is Signal => s !== undefined),
 *   ),
 * );
 */
export function operatorStrategy(id: string, operator: OperatorFunction<MarketSnapshot, Signal>): KernelStrategy {
  const snapshots$ = new Subject<MarketSnapshot>();
  let inEvent = false;
  let emitted: Signal | undefined;
  let outOfEvent: Signal | undefined;
  let failure: OperatorStrategyError | undefined;

  snapshots$.pipe(operator).subscribe({
    next: (signal) => {
      if (inEvent) emitted = signal;
      else outOfEvent = signal;
    },
    error: (error: unknown) => {
      failure = new OperatorStrategyError(id, 'failed', 'its stream errored; it emits no more signals', error);
    },
    complete: () => {
      failure = new OperatorStrategyError(id, 'completed', 'its stream completed; it emits no more signals');
    },
  });

  return {
    id,
    onMarket(market) {
      if (outOfEvent !== undefined) {
        const late = outOfEvent;
        outOfEvent = undefined;
        throw new OperatorStrategyError(
          id,
          'emitted a signal between market events',
          `Signal "${late.reason}" arrived outside the event that drove it; time-based operators are not accepted, use event time.`,
        );
      }
      if (failure !== undefined) throw failure;
      inEvent = true;
      emitted = undefined;
      try {
        snapshots$.next(market);
      } finally {
        inEvent = false;
      }
      // A stream that ends right after its last signal (take(n)) still delivers that signal.
      if (failure !== undefined && emitted === undefined) throw failure;
      return emitted;
    },
  };
}
