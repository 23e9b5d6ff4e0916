import { fetchPoolEvents, type PoolEventPosition } from '../../chain/history/fetch-pool-events.js';
import { findPoolCreationBlock } from '../../chain/history/find-pool-creation-block.js';
import { type PoolInfo, type PoolState, readPoolInfo, readPoolStateAt } from '../../chain/history/read-pool-info.js';
import { withRpcRetry } from '../../chain/history/with-rpc-retry.js';
import type { Address } from '../../model/address.js';
import { createUniswapEventFormatter, poolStateFromEventsRow, uniswapEventsColumns } from '../csv/format-uniswap-event.js';
import { openCsvForAppend } from '../csv/open-csv-for-append.js';
import { readCsv } from '../csv/read-csv.js';
import { type FetchParameters, type FetchSummary, readFetchMeta, writeFetchMeta } from './fetch-meta.js';
import { checkResumable, clearFetchProgress, type FetchProgress, readFetchProgress, writeFetchProgress } from './fetch-progress.js';

export type FetchUniswapEventsParameters = FetchParameters & {
  pool: Address;
  /** Default: the block the pool was created in. */
  fromBlock?: bigint | undefined;
  /** Default: the head when the fetch starts. */
  toBlock?: bigint | undefined;
  /** The NonfungiblePositionManager whose events give proxy_log_index and position_id; empty without. */
  positionManager?: Address | undefined;
};

export type FetchUniswapEventsReturnType = FetchSummary & {
  pool: PoolInfo & { positionManager: Address | null; createdAtBlock: bigint | null };
  rowsByType: Record<string, number>;
};

const toCarry = (state: PoolState | undefined): NonNullable<FetchProgress['carry']> =>
  state ? { sqrtPriceX96: state.sqrtPriceX96.toString(), tick: state.tick, liquidity: state.liquidity.toString() } : { sqrtPriceX96: null, tick: null, liquidity: null };
const fromCarry = (carry: FetchProgress['carry']): PoolState | undefined =>
  carry && typeof carry.sqrtPriceX96 === 'string' && typeof carry.liquidity === 'string' && typeof carry.tick === 'number'
    ? { sqrtPriceX96: BigInt(carry.sqrtPriceX96), tick: carry.tick, liquidity: BigInt(carry.liquidity) }
    : undefined;

/**
 * Fetches a Uniswap v3 pool's Swap, Mint, Burn and Collect events over a block range into a CSV in the
 * events layout (data/README.md) that `mandate verify-swaps` and the backtests read, and describes it in
 * `<out>.meta.json`. `fromBlock` defaults to the pool's creation block, so the pool's whole history,
 * Initialize included, gives every row its price, tick and in-range liquidity; a later start takes the
 * pool's state at the block before (an archive node's answer) or leaves those cells empty until the first
 * swap. Rerunning with the same `out` resumes after the last whole row, with the same range and the pool
 * state it had reached (`<out>.progress.json`), so the file ends byte for byte as an uninterrupted run's.
 *
 * @example
 * const summary = await fetchUniswapEvents({ client, pool, positionManager, out: 'events.csv', rpcLabel, tool: 'mandate 0.1.0' });
 */
export async function fetchUniswapEvents(parameters: FetchUniswapEventsParameters): Promise<FetchUniswapEventsReturnType> {
  const { client, out, pool: address, retry } = parameters;
  const [chainId, head, pool] = await Promise.all([
    withRpcRetry('eth_chainId', () => client.getChainId(), retry),
    withRpcRetry('eth_blockNumber', () => client.getBlockNumber({ cacheTime: 0 }), retry),
    readPoolInfo({ client, pool: address, retry }),
  ]);
  const request = `fromBlock=${parameters.fromBlock ?? 'creation'} toBlock=${parameters.toBlock ?? 'head'}`;
  const identity = { kind: 'uniswap-v3-events', chainId, address, request } as const;
  let progress = readFetchProgress(out);
  if (progress) checkResumable(out, progress, identity);
  const csv = openCsvForAppend(out, uniswapEventsColumns);
  try {
    let createdAtBlock = typeof progress?.carry?.createdAtBlock === 'string' ? BigInt(progress.carry.createdAtBlock) : null;
    if (!progress && parameters.fromBlock === undefined) createdAtBlock = (await findPoolCreationBlock({ client, pool, head, retry })).block;
    const carry = (state: PoolState | undefined) => ({ ...toCarry(state), createdAtBlock: createdAtBlock?.toString() ?? null });
    const fromBlock = progress?.fromBlock ?? parameters.fromBlock ?? createdAtBlock!;
    const toBlock = progress?.toBlock ?? parameters.toBlock ?? head;
    const last = csv.lastRow;
    const after: PoolEventPosition | undefined = last ? { blockNumber: BigInt(last.block_number!), logIndex: Number(last.pool_log_index) } : undefined;
    let scannedFrom = fromBlock;
    let state: PoolState | undefined;
    if (progress) {
      scannedFrom = progress.scannedTo + 1n;
      state = fromCarry(progress.carry);
    } else if (last && after!.blockNumber >= fromBlock) {
      // A finished file has no progress: continue in the block of its last row, from the state that row records.
      scannedFrom = after!.blockNumber;
      state = poolStateFromEventsRow(last);
    } else if (fromBlock > 0n) {
      state = await readPoolStateAt({ client, pool: address, blockNumber: fromBlock - 1n, retry });
    }
    progress ??= { version: 1, ...identity, fromBlock, toBlock, scannedTo: scannedFrom - 1n, carry: carry(state) };
    writeFetchProgress(out, progress);

    const rows = createUniswapEventFormatter(state);
    let newRows = 0;
    const chunks = fetchPoolEvents({
      client,
      pool: address,
      positionManager: parameters.positionManager,
      fromBlock: scannedFrom,
      toBlock,
      after,
      maxRange: parameters.maxRange,
      retry,
    });
    for await (const chunk of chunks) {
      const lines = chunk.events.map((event) => rows.format(event)).filter((line) => line !== undefined);
      csv.append(lines);
      newRows += lines.length;
      progress = { ...progress, scannedTo: chunk.toBlock, carry: carry(rows.state()) } satisfies FetchProgress;
      writeFetchProgress(out, progress);
      parameters.onProgress?.({ fromBlock, toBlock, scannedTo: chunk.toBlock, newRows });
    }
    csv.close();

    const described = await describeFile(out);
    const earlier = (readFetchMeta(out)?.source as { blocks?: { from?: string } } | undefined)?.blocks?.from;
    const firstBlock = csv.resumed && earlier !== undefined && BigInt(earlier) < fromBlock ? BigInt(earlier) : fromBlock;
    const poolMeta = { ...pool, positionManager: parameters.positionManager ?? null, createdAtBlock };
    const metaFile = writeFetchMeta(out, {
      kind: 'uniswap-v3-events',
      columns: uniswapEventsColumns,
      rows: described.rows,
      rowsByType: described.rowsByType,
      pool: poolMeta,
      source: { rpc: parameters.rpcLabel, chainId, blocks: { from: firstBlock, to: toBlock }, time: described.time, tool: parameters.tool },
      order: 'chain order (block number, then log index)',
      empty: {
        proxy_log_index: parameters.positionManager
          ? 'on rows whose owner is not the position manager, and on a Burn of 0 that only settles fees'
          : 'always: no position manager was known for this chain (give --position-manager)',
        position_id: 'as proxy_log_index',
        state: 'total_liquidity, total_liquidity_delta, sqrtPriceX96 and current_tick are empty before the pool state is known (see data/README.md)',
      },
    });
    clearFetchProgress(out);
    return {
      file: out,
      metaFile,
      chainId,
      rows: described.rows,
      newRows,
      resumed: csv.resumed,
      truncatedBytes: csv.truncatedBytes,
      fromBlock,
      toBlock,
      scannedFrom,
      pool: poolMeta,
      rowsByType: described.rowsByType,
    };
  } catch (error) {
    csv.close();
    throw error;
  }
}

async function describeFile(out: string) {
  const rowsByType: Record<string, number> = {};
  let rows = 0;
  let first: string | undefined;
  let last: string | undefined;
  for await (const { values } of readCsv(out)) {
    rows++;
    rowsByType[values.tx_type!] = (rowsByType[values.tx_type!] ?? 0) + 1;
    first ??= values.block_timestamp;
    last = values.block_timestamp;
  }
  return { rows, rowsByType, time: first === undefined ? null : { from: `${first}Z`.replace(' ', 'T'), to: `${last}Z`.replace(' ', 'T') } };
}
