import type { MarketEvent } from '../agent/model/market-event.js';
import type { HistoricalSource } from './sources/historical-source.js';

export type LookaheadEvents = {
  /** The events for the kernel's replay, within [from, to], in batches; iterate once. */
  readonly events: AsyncIterable<Iterable<MarketEvent>>;
  /**
   * The events after the one being replayed, up to the limit (time ≤ limit.time, and block ≤ limit.block
   * for events that carry blocks), in order. The kernel has not seen them; only a fill with latency uses them.
   */
  eventsUntil(limit: { time: number; block: bigint | undefined }): Promise<readonly MarketEvent[]>;
};

/**
 * A source's events for the kernel's replay, with a look ahead for the simulated executor: a trade decided
 * at one event fills on the market as it is `latency` later, so the executor must see the events after the
 * current one without the kernel (or any strategy) seeing them early. Batches read ahead are kept and
 * replayed in order afterwards.
 *
 * @example
 * const { events, eventsUntil } = createLookaheadEvents(source, { from, to });
 * await kernel.replay(events);
 */
export function createLookaheadEvents(source: HistoricalSource, window: { from?: number | undefined; to?: number | undefined } = {}): LookaheadEvents {
  const { from, to } = window;
  const batches = source.batches();
  const iterator: AsyncIterator<readonly MarketEvent[]> | Iterator<readonly MarketEvent[]> =
    Symbol.asyncIterator in batches ? (batches as AsyncIterable<readonly MarketEvent[]>)[Symbol.asyncIterator]() : (batches as Iterable<readonly MarketEvent[]>)[Symbol.iterator]();
  const prefetched: (readonly MarketEvent[])[] = [];
  let current: readonly MarketEvent[] = [];
  // The index in `current` of the event being replayed.
  let position = -1;
  let ended = false;

  const pull = async (): Promise<readonly MarketEvent[] | undefined> => {
    const next = await iterator.next();
    return next.done ? undefined : next.value;
  };

  /** Iterates one batch for the kernel, keeping `position` in step and ending the replay past `to`. */
  const replayOf = (batch: readonly MarketEvent[]): Iterable<MarketEvent> => ({
    [Symbol.iterator]() {
      let index = -1;
      return {
        next(): IteratorResult<MarketEvent> {
          for (;;) {
            index += 1;
            if (index >= batch.length) return { done: true, value: undefined };
            const event = batch[index]!;
            if (from !== undefined && event.time < from) continue;
            if (to !== undefined && event.time > to) {
              ended = true;
              return { done: true, value: undefined };
            }
            position = index;
            return { done: false, value: event };
          }
        },
      };
    },
  });

  async function* events(): AsyncIterable<Iterable<MarketEvent>> {
    while (!ended) {
      const batch = prefetched.length > 0 ? prefetched.shift() : await pull();
      if (batch === undefined) return;
      current = batch;
      position = -1;
      yield replayOf(batch);
    }
  }

  async function eventsUntil(limit: { time: number; block: bigint | undefined }): Promise<readonly MarketEvent[]> {
    const seen: MarketEvent[] = [];
    let list = current;
    let index = position + 1;
    let queued = 0;
    for (;;) {
      if (index >= list.length) {
        if (queued < prefetched.length) list = prefetched[queued++]!;
        else {
          const more = await pull();
          if (more === undefined) return seen;
          prefetched.push(more);
          queued = prefetched.length;
          list = more;
        }
        index = 0;
        continue;
      }
      const event = list[index]!;
      if (to !== undefined && event.time > to) return seen;
      // Events with block numbers are measured in blocks, the rest (oracle rounds) in time.
      const beyond = limit.block !== undefined && event.block !== undefined ? event.block > limit.block : event.time > limit.time;
      if (beyond) return seen;
      seen.push(event);
      index += 1;
    }
  }

  return { events: events(), eventsUntil };
}
