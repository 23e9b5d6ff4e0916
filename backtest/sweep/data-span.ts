import { zeroAddress } from '../../agent/model/address.js';
import { backtestMarket } from '../backtest-market.js';
import { openCsvSource } from '../sources/open-csv-source.js';
import type { CandleMode } from '../sources/ohlcv-csv-source.js';
import { SweepInputError } from './sweep-errors.js';

export type DataSpanReturnType = { first: number; last: number; events: number };

/**
 * The time of the first and last valid event of a CSV (any layout a backtest reads), within from/to when
 * given: walk-forward windows are laid over it. Streams the file once.
 *
 * @example
 * const { first, last } = await dataSpan('data/chainlink/eth-usd.csv');
 */
export async function dataSpan(
  path: string,
  options: { from?: number | undefined; to?: number | undefined; candles?: CandleMode | undefined } = {},
): Promise<DataSpanReturnType> {
  const source = await openCsvSource({ path, feed: backtestMarket.oracle ?? zeroAddress, pool: backtestMarket.pool ?? zeroAddress, candles: options.candles });
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let events = 0;
  for await (const batch of source.batches()) {
    for (const event of batch) {
      if (options.from !== undefined && event.time < options.from) continue;
      if (options.to !== undefined && event.time > options.to) continue;
      if (event.time < first) first = event.time;
      if (event.time > last) last = event.time;
      events += 1;
    }
  }
  if (events === 0) throw new SweepInputError('data', `no events in ${path} within the window`, 'a file with market events in the chosen period is accepted');
  return { first, last, events };
}
