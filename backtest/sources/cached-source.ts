import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Address } from '../../agent/model/address.js';
import type { MarketEvent, OracleUpdate } from '../../agent/model/market-event.js';
import { DEFAULT_BATCH_SIZE, type HistoricalSource, type SourceStats } from './historical-source.js';

/** Bumped when the file layout changes: an older cache is then ignored and written again. */
const FORMAT = 1;
const U64 = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

type CacheHeader = { format: number; kind: HistoricalSource['kind']; label: string; feed: Address; decimals: number; count: number; stats: SourceStats };

export type CachedSourceParameters = {
  /** Where cache files live (e.g. .mandate/cache). */
  directory: string;
  /**
   * Identifies the events exactly: the data file's content hash plus everything that changes how it is
   * read (feed address, decimals, candle mode...). A different key is a different cache file.
   */
  key: string;
};

/**
 * A source's events, parsed once and kept in a columnar file (round ids, answers, times as 64-bit
 * columns): the next backtest of the same file reads the columns back instead of parsing the CSV, which is
 * most of a short backtest's time. Only oracle-round sources whose values fit the columns are cached; the
 * rest pass through unchanged. The file is written whole or not at all (temporary name, then rename).
 *
 * @example
 * const source = cachedSource(await openCsvSource({ path, feed, pool }), { directory: '.mandate/cache', key: `${hash}:${feed}:8` });
 */
export function cachedSource(source: HistoricalSource, parameters: CachedSourceParameters): HistoricalSource {
  const file = join(parameters.directory, `${parameters.key.replace(/[^A-Za-z0-9]+/g, '-')}.events`);
  const cached = readCache(file, source);
  return cached ?? recordingSource(source, file);
}

function readCache(file: string, source: HistoricalSource): HistoricalSource | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  let header: CacheHeader;
  let start: number;
  try {
    const length = Buffer.alloc(4);
    readSync(fd, length, 0, 4, 0);
    const json = Buffer.alloc(length.readUInt32LE(0));
    readSync(fd, json, 0, json.length, 4);
    header = JSON.parse(json.toString('utf8')) as CacheHeader;
    // Columns start 8-byte aligned after the header.
    start = Math.ceil((4 + json.length) / 8) * 8;
    if (header.format !== FORMAT || header.kind !== source.kind || fstatSync(fd).size < start + header.count * 8 * 5) {
      closeSync(fd);
      return undefined;
    }
  } catch {
    closeSync(fd);
    return undefined;
  }
  const { count, feed, decimals } = header;
  return {
    kind: source.kind,
    label: source.label,
    expectedEvents: count,
    *batches() {
      // One batch of each column at a time, read from the file: memory stays that of a batch.
      const chunk = Buffer.alloc(DEFAULT_BATCH_SIZE * 8 * 5);
      const roundHigh = new BigUint64Array(chunk.buffer, chunk.byteOffset, DEFAULT_BATCH_SIZE);
      const roundLow = new BigUint64Array(chunk.buffer, chunk.byteOffset + DEFAULT_BATCH_SIZE * 8, DEFAULT_BATCH_SIZE);
      const answers = new BigInt64Array(chunk.buffer, chunk.byteOffset + DEFAULT_BATCH_SIZE * 16, DEFAULT_BATCH_SIZE);
      const updated = new BigInt64Array(chunk.buffer, chunk.byteOffset + DEFAULT_BATCH_SIZE * 24, DEFAULT_BATCH_SIZE);
      const times = new Float64Array(chunk.buffer, chunk.byteOffset + DEFAULT_BATCH_SIZE * 32, DEFAULT_BATCH_SIZE);
      let high = -1n;
      let base = 0n;
      try {
        for (let from = 0; from < count; from += DEFAULT_BATCH_SIZE) {
          const size = Math.min(DEFAULT_BATCH_SIZE, count - from);
          for (let column = 0; column < 5; column++) {
            readSync(fd, chunk, column * DEFAULT_BATCH_SIZE * 8, size * 8, start + (column * count + from) * 8);
          }
          const batch: OracleUpdate[] = new Array(size);
          for (let i = 0; i < size; i++) {
            // Round ids of one phase share their high bits: shift once per phase.
            if (roundHigh[i] !== high) {
              high = roundHigh[i]!;
              base = high << 64n;
            }
            batch[i] = { kind: 'oracle', feed, roundId: base + roundLow[i]!, answer: answers[i]!, decimals, updatedAt: updated[i]!, time: times[i]! };
          }
          yield batch;
        }
      } finally {
        closeSync(fd);
      }
    },
    stats: () => header.stats,
  };
}

/** The source as is, writing the cache once it has been read to the end (when its events fit). */
function recordingSource(source: HistoricalSource, file: string): HistoricalSource {
  return {
    kind: source.kind,
    label: source.label,
    expectedEvents: source.expectedEvents,
    async *batches() {
      // The columns grow as the events pass: no event is kept, so memory stays that of the columns.
      const columns = createColumns();
      let cacheable = true;
      let feed: Address | undefined;
      let decimals: number | undefined;
      for await (const batch of source.batches() as AsyncIterable<readonly MarketEvent[]>) {
        if (cacheable) {
          for (const event of batch) {
            if (event.kind !== 'oracle' || (feed ??= event.feed) !== event.feed || (decimals ??= event.decimals) !== event.decimals || !fits(event)) {
              cacheable = false;
              break;
            }
            columns.push(event);
          }
        }
        yield batch;
      }
      if (cacheable && columns.count > 0) writeCache(file, { format: FORMAT, kind: source.kind, label: source.label, feed: feed!, decimals: decimals!, count: columns.count, stats: source.stats() }, columns);
    },
    stats: () => source.stats(),
  };
}

function fits(event: OracleUpdate): boolean {
  return event.roundId >= 0n && event.roundId >> 64n <= U64 && event.answer >= I64_MIN && event.answer <= I64_MAX && event.updatedAt >= I64_MIN && event.updatedAt <= I64_MAX;
}

/** Growable columns of oracle rounds. */
function createColumns() {
  let capacity = 4096;
  let roundHigh = new BigUint64Array(capacity);
  let roundLow = new BigUint64Array(capacity);
  let answers = new BigInt64Array(capacity);
  let updated = new BigInt64Array(capacity);
  let times = new Float64Array(capacity);
  const grow = <T extends BigUint64Array | BigInt64Array | Float64Array>(array: T): T => {
    const bigger = new (array.constructor as new (length: number) => T)(capacity);
    bigger.set(array as never);
    return bigger;
  };
  const columns = {
    count: 0,
    push(event: OracleUpdate): void {
      if (columns.count === capacity) {
        capacity *= 2;
        roundHigh = grow(roundHigh);
        roundLow = grow(roundLow);
        answers = grow(answers);
        updated = grow(updated);
        times = grow(times);
      }
      const i = columns.count++;
      roundHigh[i] = event.roundId >> 64n;
      roundLow[i] = event.roundId & U64;
      answers[i] = event.answer;
      updated[i] = event.updatedAt;
      times[i] = event.time;
    },
    arrays: () => [roundHigh, roundLow, answers, updated, times].map((array) => array.subarray(0, columns.count)),
  };
  return columns;
}

function writeCache(file: string, header: CacheHeader, columns: ReturnType<typeof createColumns>): void {
  const count = columns.count;
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = Math.ceil((4 + json.length) / 8) * 8;
  const bytes = Buffer.alloc(start + count * 8 * 5);
  bytes.writeUInt32LE(json.length, 0);
  json.copy(bytes, 4);
  columns.arrays().forEach((array, index) => Buffer.from(array.buffer, array.byteOffset, count * 8).copy(bytes, start + index * count * 8));
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, bytes);
    renameSync(partial, file);
  } catch {
    // A cache that cannot be written only costs the next run a parse.
  }
}
