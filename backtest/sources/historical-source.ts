import type { MarketEvent } from '../../agent/model/market-event.js';

/**
 * What every backtest source hands the engine: market events in time order, in batches (arrays of a few
 * thousand), so a streamed file runs at the speed of the kernel's synchronous loop while memory holds one
 * batch at a time. Bad rows never reach the stream: they are counted by reason in `stats()`.
 */
export type HistoricalSource = {
  /** What the events come from, for reports ('chainlink-csv', 'uniswap-events-csv', 'ohlcv-csv', 'gbm', ...). */
  readonly kind: HistoricalSourceKind;
  /** A human label: the file path or the generator's parameters. */
  readonly label: string;
  /** How many events it will emit, when known in advance (generators), for progress bars. */
  readonly expectedEvents?: number | undefined;
  /** The events, oldest first, in batches. Iterate once. */
  batches(): AsyncIterable<readonly MarketEvent[]> | Iterable<readonly MarketEvent[]>;
  /** Rows read, events emitted and rows rejected by reason (final once `batches()` is exhausted). */
  stats(): SourceStats;
};

export type HistoricalSourceKind =
  | 'chainlink-csv'
  | 'uniswap-events-csv'
  | 'ohlcv-csv'
  | 'gbm'
  | 'bootstrap'
  | 'events';

/** Counts of what a source read; `rejected` is the sum of `rejectedByReason`. */
export type SourceStats = {
  rows: number;
  emitted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
};

/**
 * How many events a streamed source puts in one batch: big enough to amortise an `await`, small in memory.
 *
 * @example
 * if (batch.length === DEFAULT_BATCH_SIZE) yield batch;
 */
export const DEFAULT_BATCH_SIZE = 4096;

/**
 * A mutable stats record with a `reject(reason)` helper, shared by the sources.
 *
 * @example
 * const counts = createSourceStats();
 * counts.reject('unparsable');
 * counts.snapshot(); // { rows: 0, emitted: 0, rejected: 1, rejectedByReason: { unparsable: 1 } }
 */
export function createSourceStats() {
  const byReason: Record<string, number> = {};
  const counts = {
    rows: 0,
    emitted: 0,
    reject(reason: string): void {
      byReason[reason] = (byReason[reason] ?? 0) + 1;
    },
    snapshot(): SourceStats {
      const rejected = Object.values(byReason).reduce((sum, n) => sum + n, 0);
      return { rows: counts.rows, emitted: counts.emitted, rejected, rejectedByReason: { ...byReason } };
    },
  };
  return counts;
}

/**
 * A source over events already in memory (or any iterable of them): the parity path, where a live run's
 * recorded events are replayed through the backtest engine.
 *
 * @example
 * const source = eventsSource(recordedEvents);
 * await runBacktest({ strategy: 'trend', data: source });
 */
export function eventsSource(
  events: Iterable<MarketEvent> | AsyncIterable<MarketEvent>,
  label = 'events',
): HistoricalSource {
  const counts = createSourceStats();
  if (Symbol.iterator in events) {
    const iterable = events as Iterable<MarketEvent>;
    return {
      kind: 'events',
      label,
      *batches() {
        let batch: MarketEvent[] = [];
        for (const event of iterable) {
          counts.rows++;
          counts.emitted++;
          batch.push(event);
          if (batch.length === DEFAULT_BATCH_SIZE) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length > 0) yield batch;
      },
      stats: () => counts.snapshot(),
    };
  }
  return {
    kind: 'events',
    label,
    async *batches() {
      let batch: MarketEvent[] = [];
      for await (const event of events as AsyncIterable<MarketEvent>) {
        counts.rows++;
        counts.emitted++;
        batch.push(event);
        if (batch.length === DEFAULT_BATCH_SIZE) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
    stats: () => counts.snapshot(),
  };
}
