import { readCsv, readCsvHeader, requireColumns } from '../../agent/market/csv/read-csv.js';
import type { Address } from '../../agent/model/address.js';
import type { PoolUpdate } from '../../agent/model/market-event.js';
import { liquidityAfterPositionChange } from '../../agent/market/pool-liquidity.js';
import { createSourceStats, DEFAULT_BATCH_SIZE, type HistoricalSource } from './historical-source.js';
import { parseTimeSeconds } from './parse-time.js';

/**
 * The columns the Uniswap events layout needs (see data/README.md).
 *
 * @example
 * requireColumns(path, header, uniswapEventColumns);
 */
export const uniswapEventColumns = [
  'block_number',
  'block_timestamp',
  'tx_type',
  'pool_log_index',
  'amount0',
  'amount1',
  'total_liquidity',
  'sqrtPriceX96',
  'current_tick',
  'tick_lower',
  'tick_upper',
  'liquidity',
] as const;

export type UniswapEventsCsvSourceParameters = {
  path: string;
  /** The pool address the events carry (the CSV has no address column). */
  pool: Address;
};

const integerPattern = /^(-?\d+)(?:\.0+)?$/;
const parseInteger = (text: string | undefined): bigint | undefined => {
  const match = text === undefined ? null : integerPattern.exec(text.trim());
  return match ? BigInt(match[1]!) : undefined;
};

/**
 * A Uniswap v3 pool's decoded events (`block_number, block_timestamp, tx_type, ... sqrtPriceX96,
 * current_tick, tick_lower, tick_upper, liquidity`), streamed as PoolUpdates in log order, with the rules
 * of the live pool source: each SWAP row becomes the pool's state after the swap (with its amounts); a
 * MINT or BURN inside the current tick's range publishes the new active liquidity at the same price (as
 * the live source does); COLLECT rows change nothing. Rows are rejected and counted when a number does not
 * parse (`unparsable`), the price is not positive (`non-positive-price`), or their (block, log index) is
 * not after the previous row's (`duplicate`, `out-of-order`), as the live stream drops repeated or
 * reordered logs.
 *
 * @example
 * const source = uniswapEventsCsvSource({ path: 'data/uniswap-v3/usdc-weth-500-2024-01-05.events.csv', pool });
 */
export function uniswapEventsCsvSource(parameters: UniswapEventsCsvSourceParameters): HistoricalSource {
  const { path, pool } = parameters;
  const counts = createSourceStats();
  return {
    kind: 'uniswap-events-csv',
    label: path,
    async *batches() {
      requireColumns(path, await readCsvHeader(path), uniswapEventColumns);
      let lastBlock = -1n;
      let lastLogIndex = -1;
      let previous: PoolUpdate | undefined;
      let batch: PoolUpdate[] = [];
      for await (const { values } of readCsv(path, { onMalformed: () => (counts.rows++, counts.reject('unparsable')) })) {
        counts.rows++;
        const type = values.tx_type?.trim().toUpperCase();
        const block = parseInteger(values.block_number);
        const logIndex = parseInteger(values.pool_log_index);
        const time = parseTimeSeconds(values.block_timestamp);
        if (block === undefined || logIndex === undefined || time === undefined) {
          counts.reject('unparsable');
          continue;
        }
        if (block < lastBlock || (block === lastBlock && Number(logIndex) < lastLogIndex)) {
          counts.reject('out-of-order');
          continue;
        }
        if (block === lastBlock && Number(logIndex) === lastLogIndex) {
          counts.reject('duplicate');
          continue;
        }
        let update: PoolUpdate | undefined;
        if (type === 'SWAP') {
          const sqrtPriceX96 = parseInteger(values.sqrtPriceX96);
          const tick = parseInteger(values.current_tick);
          const liquidity = parseInteger(values.total_liquidity);
          const amount0 = parseInteger(values.amount0);
          const amount1 = parseInteger(values.amount1);
          if (sqrtPriceX96 === undefined || tick === undefined || liquidity === undefined || amount0 === undefined || amount1 === undefined || liquidity < 0n) {
            counts.reject('unparsable');
            continue;
          }
          if (sqrtPriceX96 <= 0n) {
            counts.reject('non-positive-price');
            continue;
          }
          update = { kind: 'pool', pool, sqrtPriceX96, tick: Number(tick), liquidity, amount0, amount1, block, logIndex: Number(logIndex), time };
        } else if (type === 'MINT' || type === 'BURN') {
          const tickLower = parseInteger(values.tick_lower);
          const tickUpper = parseInteger(values.tick_upper);
          const amount = parseInteger(values.liquidity);
          if (tickLower === undefined || tickUpper === undefined || amount === undefined) {
            counts.reject('unparsable');
            continue;
          }
          if (previous !== undefined) {
            const liquidityDelta = type === 'MINT' ? amount : -amount;
            const liquidity = liquidityAfterPositionChange(previous, { tickLower: Number(tickLower), tickUpper: Number(tickUpper), liquidityDelta });
            if (liquidity !== previous.liquidity) {
              update = { kind: 'pool', pool, sqrtPriceX96: previous.sqrtPriceX96, tick: previous.tick, liquidity, block, logIndex: Number(logIndex), time };
            }
          }
        }
        lastBlock = block;
        lastLogIndex = Number(logIndex);
        if (update === undefined) continue;
        previous = update;
        counts.emitted++;
        batch.push(update);
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
