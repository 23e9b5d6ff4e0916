import { Observable, type OperatorFunction } from 'rxjs';
import { compareMarketEvents } from './log-position.js';
import type { MarketEvent } from '../model/market-event.js';

/**
 * A promise from upstream that every event at or below `block` has been delivered: the market stream
 * sends one after each fully read block range.
 */
export type BlockWatermark = { kind: 'watermark'; block: bigint };

/**
 * Holds events until a watermark covers their block, then releases them in chain order (block, log
 * index; state reads last in their block). Sources answer in any order; this is what makes market$
 * ordered. An event that arrives for a block already released is passed on at once (it cannot be
 * reordered any more), so the dedupe stage after this one can count it as out of order. On completion,
 * whatever is still held is released in order.
 *
 * @example
 * items$.pipe(orderByLogPosition()).subscribe((event) => console.log(event.block, event.logIndex));
 */
export function orderByLogPosition(): OperatorFunction<MarketEvent | BlockWatermark, MarketEvent> {
  return (source) =>
    new Observable<MarketEvent>((subscriber) => {
      let held: MarketEvent[] = [];
      let releasedThrough: bigint | undefined;
      const release = (events: MarketEvent[]) => {
        // Array.prototype.sort is stable, so equal events keep their arrival order.
        for (const event of events.sort(compareMarketEvents)) subscriber.next(event);
      };
      return source.subscribe({
        next(item) {
          if (item.kind === 'watermark') {
            if (releasedThrough === undefined || item.block > releasedThrough) releasedThrough = item.block;
            const ready = held.filter((event) => (event.block ?? 0n) <= item.block);
            held = held.filter((event) => (event.block ?? 0n) > item.block);
            release(ready);
          } else if (releasedThrough !== undefined && (item.block ?? 0n) <= releasedThrough) {
            subscriber.next(item);
          } else {
            held.push(item);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete() {
          release(held);
          held = [];
          subscriber.complete();
        },
      });
    });
}
