import type { PoolEvent } from '../../chain/history/fetch-pool-events.js';
import type { PoolState } from '../../chain/history/read-pool-info.js';
import { liquidityAfterPositionChange } from '../pool-liquidity.js';

/**
 * Every column of the Uniswap v3 events layout, in its order (data/README.md): what
 * `mandate verify-swaps`, the backtests and `mandate data fetch uniswap` share.
 */
export const uniswapEventsColumns = [
  'block_number',
  'block_timestamp',
  'tx_type',
  'transaction_hash',
  'pool_tx_index',
  'pool_log_index',
  'proxy_log_index',
  'sender',
  'receipt',
  'amount0',
  'amount1',
  'total_liquidity',
  'total_liquidity_delta',
  'sqrtPriceX96',
  'current_tick',
  'position_id',
  'tick_lower',
  'tick_upper',
  'liquidity',
] as const;

export type UniswapEventFormatter = {
  /** The event's row, or undefined for Initialize (no row: it only sets the starting price). */
  format(event: PoolEvent): string | undefined;
  /** The pool's state after the last event formatted; undefined while not known. */
  state(): PoolState | undefined;
};

/** "2024-01-05 00:00:23": the layout's UTC time. */
const utc = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * Formats pool events as rows of the events layout, tracking the pool's state so that every row carries
 * the price, tick and in-range liquidity after it: a Swap reports them; Initialize sets the price with no
 * liquidity; a Mint or Burn changes the liquidity by its amount when tickLower ≤ tick < tickUpper (the
 * pool's own rule), which is also its `total_liquidity_delta`. Until the state is known (a fetch that
 * starts after the pool's creation on a node without that block's state), those cells stay empty, and
 * the first Swap makes it known.
 *
 * @example
 * const rows = createUniswapEventFormatter(await readPoolStateAt({ client, pool, blockNumber: from - 1n }));
 * const line = rows.format(event);
 */
export function createUniswapEventFormatter(initial: PoolState | undefined): UniswapEventFormatter {
  let state = initial;
  return {
    state: () => state,
    format(event) {
      if (event.type === 'INITIALIZE') {
        state = { sqrtPriceX96: event.sqrtPriceX96, tick: event.tick, liquidity: 0n };
        return undefined;
      }
      let delta: bigint | undefined = 0n;
      let cells: { proxyLogIndex?: number | undefined; sender: string; receipt?: string; amount0: bigint; amount1: bigint; positionId?: bigint | undefined; tickLower?: number; tickUpper?: number; liquidity?: bigint };
      switch (event.type) {
        case 'SWAP':
          state = { sqrtPriceX96: event.sqrtPriceX96, tick: event.tick, liquidity: event.liquidity };
          cells = { sender: event.sender, receipt: event.recipient, amount0: event.amount0, amount1: event.amount1 };
          break;
        case 'MINT':
        case 'BURN': {
          const liquidityDelta = event.type === 'MINT' ? event.amount : -event.amount;
          if (state) {
            const liquidity = liquidityAfterPositionChange(state, { tickLower: event.tickLower, tickUpper: event.tickUpper, liquidityDelta });
            delta = liquidity - state.liquidity;
            state = { ...state, liquidity };
          } else delta = undefined;
          cells = {
            proxyLogIndex: event.position?.logIndex,
            sender: event.type === 'MINT' ? event.sender : event.owner,
            amount0: event.amount0,
            amount1: event.amount1,
            positionId: event.position?.tokenId,
            tickLower: event.tickLower,
            tickUpper: event.tickUpper,
            liquidity: event.amount,
          };
          break;
        }
        case 'COLLECT':
          cells = {
            proxyLogIndex: event.position?.logIndex,
            sender: event.owner,
            receipt: event.recipient,
            amount0: event.amount0,
            amount1: event.amount1,
            positionId: event.position?.tokenId,
            tickLower: event.tickLower,
            tickUpper: event.tickUpper,
          };
          break;
      }
      return [
        event.blockNumber,
        utc(event.blockTimestamp),
        event.type,
        event.transactionHash,
        event.transactionIndex,
        event.logIndex,
        cells.proxyLogIndex,
        cells.sender,
        cells.receipt,
        cells.amount0,
        cells.amount1,
        state?.liquidity,
        delta,
        state?.sqrtPriceX96,
        state?.tick,
        cells.positionId,
        cells.tickLower,
        cells.tickUpper,
        cells.liquidity,
      ]
        .map((cell) => (cell === undefined ? '' : String(cell)))
        .join(',');
    },
  };
}

/**
 * The pool state a row of the events layout records (after its event), or undefined when its state cells
 * are empty: what a resumed fetch continues from.
 *
 * @example
 * const state = poolStateFromEventsRow(csv.lastRow);
 */
export function poolStateFromEventsRow(values: Record<string, string>): PoolState | undefined {
  const whole = /^-?\d+$/;
  const { sqrtPriceX96, current_tick: tick, total_liquidity: liquidity } = values;
  if (!sqrtPriceX96 || !tick || !liquidity || ![sqrtPriceX96, tick, liquidity].every((cell) => whole.test(cell))) return undefined;
  return { sqrtPriceX96: BigInt(sqrtPriceX96), tick: Number(tick), liquidity: BigInt(liquidity) };
}
