import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { compareLogPosition, eventIdentity, logPositionOf, type LogPosition } from './log-position.js';
import type { MarketEvent } from '../model/market-event.js';

export type DroppedEventReason = 'duplicate' | 'out-of-order';

/**
 * Drops events that are not strictly after the last one passed: the same (block, logIndex) again is a
 * duplicate (an RPC node repeating a log, overlapping ranges after a reconnect), an earlier one is out of
 * order. State reads at the same block's end are duplicates only if they read the same thing. Memory
 * stays constant: only the last position and what passed at it are kept. `onDrop` is told each drop so
 * it can be counted and logged.
 *
 * @example
 * ordered$.pipe(dedupeByLogPosition((event, reason) => stats.dropped[reason]++));
 */
export function dedupeByLogPosition(
  onDrop: (event: MarketEvent, reason: DroppedEventReason) => void = () => {},
): MonoTypeOperatorFunction<MarketEvent> {
  return (source) =>
    new Observable<MarketEvent>((subscriber) => {
      let last: LogPosition | undefined;
      let passedAtLast = new Set<string>();
      return source.subscribe({
        next(event) {
          const position = logPositionOf(event);
          const order = last === undefined ? 1 : compareLogPosition(position, last);
          if (order < 0) return onDrop(event, 'out-of-order');
          const identity = eventIdentity(event);
          if (order === 0 && passedAtLast.has(identity)) return onDrop(event, 'duplicate');
          if (order > 0) {
            last = position;
            passedAtLast = new Set();
          }
          passedAtLast.add(identity);
          subscriber.next(event);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
