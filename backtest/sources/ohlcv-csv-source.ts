import { readCsv, readCsvHeader, requireColumns } from '../../agent/market/csv/read-csv.js';
import type { Address } from '../../agent/model/address.js';
import { parseUnitsTruncated } from '../../agent/model/units.js';
import type { OracleUpdate } from '../../agent/model/market-event.js';
import { createRoundValidator } from '../../agent/market/validate-round.js';
import { createSourceStats, DEFAULT_BATCH_SIZE, type HistoricalSource } from './historical-source.js';
import { parseTimeSeconds } from './parse-time.js';

/**
 * The columns of an OHLCV candle CSV.
 *
 * @example
 * requireColumns(path, header, ohlcvColumns);
 */
export const ohlcvColumns = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * How candles become oracle events:
 * - `close` (default): one event per candle at its close price. The candle's `timestamp` is the event's
 *   time, so stamp candles with their close time (a candle stamped with its open time is decided on as if
 *   its close were known at its open: shift such files by one interval).
 * - `path`: four events at the candle's time, open → low → high → close for an up candle (close ≥ open)
 *   and open → high → low → close for a down one: the usual guess of the intra-candle path, which lets a
 *   strategy's stops see the extremes.
 */
export type CandleMode = 'close' | 'path';

export type OhlcvCsvSourceParameters = {
  path: string;
  /** The feed address the events carry. */
  feed: Address;
  /** Decimals of the generated answers. Default 8, as a Chainlink USD feed. */
  decimals?: number | undefined;
  mode?: CandleMode | undefined;
};

/**
 * A decimal price string as a fixed-point bigint with `decimals` places, exactly (digits beyond are cut);
 * undefined when the text is not a number. Scientific notation goes through a float.
 *
 * @example
 * parseFixedPoint('2297.50276106', 8); // 229750276106n
 */
export function parseFixedPoint(text: string | undefined, decimals: number): bigint | undefined {
  if (text === undefined) return undefined;
  let trimmed = text.trim();
  if (!/^-?\d+(\.\d*)?$/.test(trimmed)) {
    const value = Number(trimmed);
    if (trimmed === '' || !Number.isFinite(value)) return undefined;
    trimmed = value.toFixed(Math.min(decimals, 20));
  }
  return parseUnitsTruncated(trimmed, decimals);
}

/**
 * OHLCV candles (`timestamp,open,high,low,close,volume`; timestamp as unix seconds, milliseconds or ISO)
 * streamed as OracleUpdates of `feed` (see {@link CandleMode}). Each event goes through
 * createRoundValidator with a round id made from the candle time, so a non-positive price is rejected as
 * `non-positive-answer`, a repeated candle as `duplicate-round`, an earlier one as `out-of-order`, exactly
 * as live rounds are; cells that do not parse are `unparsable`.
 *
 * @example
 * const source = ohlcvCsvSource({ path: 'eth-1m.csv', feed: ethUsd, mode: 'close' });
 */
export function ohlcvCsvSource(parameters: OhlcvCsvSourceParameters): HistoricalSource {
  const { path, feed } = parameters;
  const decimals = parameters.decimals ?? 8;
  const mode = parameters.mode ?? 'close';
  const counts = createSourceStats();
  return {
    kind: 'ohlcv-csv',
    label: path,
    async *batches() {
      requireColumns(path, await readCsvHeader(path), ohlcvColumns);
      const validator = createRoundValidator();
      let batch: OracleUpdate[] = [];
      for await (const { values } of readCsv(path, { onMalformed: () => (counts.rows++, counts.reject('unparsable')) })) {
        counts.rows++;
        const time = parseTimeSeconds(values.timestamp);
        const close = parseFixedPoint(values.close, decimals);
        if (time === undefined || close === undefined) {
          counts.reject('unparsable');
          continue;
        }
        let prices: bigint[];
        if (mode === 'close') prices = [close];
        else {
          const open = parseFixedPoint(values.open, decimals);
          const high = parseFixedPoint(values.high, decimals);
          const low = parseFixedPoint(values.low, decimals);
          if (open === undefined || high === undefined || low === undefined) {
            counts.reject('unparsable');
            continue;
          }
          prices = close >= open ? [open, low, high, close] : [open, high, low, close];
        }
        const updatedAt = BigInt(time);
        // Four round ids per candle keep the path's events in order and a repeated candle a duplicate.
        for (let k = 0; k < prices.length; k++) {
          const roundId = updatedAt * 4n + BigInt(k);
          const answer = prices[k]!;
          const check = validator.check({ roundId, answer, startedAt: updatedAt, updatedAt, answeredInRound: roundId }, updatedAt);
          if (!check.ok) {
            counts.reject(check.reason);
            continue;
          }
          counts.emitted++;
          batch.push({ kind: 'oracle', feed, roundId, answer, decimals, updatedAt, time });
        }
        if (batch.length >= DEFAULT_BATCH_SIZE) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
    stats: () => counts.snapshot(),
  };
}
