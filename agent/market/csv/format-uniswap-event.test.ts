import { describe, expect, it } from 'vitest';
import type { PoolEvent } from '../../chain/history/fetch-pool-events.js';
import { toAddress } from '../../model/address.js';
import { createUniswapEventFormatter, poolStateFromEventsRow, uniswapEventsColumns } from './format-uniswap-event.js';

const manager = toAddress('0xc36442b4a4522e871399cd717abdd847ab11fe88');
const trader = toAddress('0x68b3465833fb72a70ecdf485e0e4c7bd8665fc45');
const at = (logIndex: number) => ({
  blockNumber: 18_937_605n,
  blockTimestamp: 1_704_415_499n,
  transactionHash: '0xf66dc1f9c6d2cc31f5a09d52a5b99956b00ad849434c533c52b8858dc804fe28' as const,
  transactionIndex: 4,
  logIndex,
});
const cells = (line: string | undefined): Record<string, string> => Object.fromEntries(uniswapEventsColumns.map((name, i) => [name, line!.split(',')[i]!]));
const range = { tickLower: 199_060, tickUpper: 199_070 };

describe('createUniswapEventFormatter', () => {
  it('writes every column of the events layout, with the pool state after each event', () => {
    const rows = createUniswapEventFormatter(undefined);
    expect(rows.format({ ...at(1), type: 'INITIALIZE', sqrtPriceX96: 1_664_315_632_465_534_182_883_962_852_669_835n, tick: 199_061 })).toBeUndefined();
    const mint: PoolEvent = {
      ...at(36), type: 'MINT', sender: manager, owner: manager, ...range, amount: 389_297_572_651_811_471_360n,
      amount0: 7_589_502_067_301n, amount1: 738_908_802_009_978_532_321n, position: { logIndex: 38, tokenId: 621_101n },
    };
    const line = rows.format(mint);
    expect(line!.split(',')).toHaveLength(uniswapEventsColumns.length);
    expect(cells(line)).toEqual({
      block_number: '18937605', block_timestamp: '2024-01-05 00:44:59', tx_type: 'MINT', transaction_hash: at(0).transactionHash,
      pool_tx_index: '4', pool_log_index: '36', proxy_log_index: '38', sender: manager, receipt: '',
      amount0: '7589502067301', amount1: '738908802009978532321',
      total_liquidity: '389297572651811471360', total_liquidity_delta: '389297572651811471360',
      sqrtPriceX96: '1664315632465534182883962852669835', current_tick: '199061',
      position_id: '621101', tick_lower: '199060', tick_upper: '199070', liquidity: '389297572651811471360',
    });
    // Out of range: the pool's liquidity does not change.
    expect(cells(rows.format({ ...mint, logIndex: 40, tickLower: 199_070, tickUpper: 199_080, position: undefined }))).toMatchObject({ total_liquidity: '389297572651811471360', total_liquidity_delta: '0', proxy_log_index: '', position_id: '' });

    const swap = cells(rows.format({ ...at(50), type: 'SWAP', sender: trader, recipient: manager, amount0: -22_686_110n, amount1: 10n ** 16n, sqrtPriceX96: 1_664_319_420_366_080_200_272_801_648_600_413n, liquidity: 400n, tick: 199_061 }));
    expect(swap).toMatchObject({ tx_type: 'SWAP', sender: trader, receipt: manager, amount0: '-22686110', total_liquidity: '400', total_liquidity_delta: '0', tick_lower: '', liquidity: '' });

    const burn = cells(rows.format({ ...at(51), type: 'BURN', owner: manager, ...range, amount: 100n, amount0: 1n, amount1: 2n, position: { logIndex: 52, tokenId: 7n } }));
    expect(burn).toMatchObject({ sender: manager, receipt: '', total_liquidity: '300', total_liquidity_delta: '-100', liquidity: '100', position_id: '7' });
    const collect = cells(rows.format({ ...at(53), type: 'COLLECT', owner: manager, recipient: trader, ...range, amount0: 1n, amount1: 2n, position: undefined }));
    expect(collect).toMatchObject({ sender: manager, receipt: trader, total_liquidity: '300', total_liquidity_delta: '0', liquidity: '' });
    expect(rows.state()).toEqual({ sqrtPriceX96: 1_664_319_420_366_080_200_272_801_648_600_413n, tick: 199_061, liquidity: 300n });
  });

  it('leaves the state cells empty until a swap tells the state', () => {
    const rows = createUniswapEventFormatter(undefined);
    const mint = cells(rows.format({ ...at(2), type: 'MINT', sender: manager, owner: manager, ...range, amount: 5n, amount0: 1n, amount1: 1n, position: undefined }));
    expect(mint).toMatchObject({ total_liquidity: '', total_liquidity_delta: '', sqrtPriceX96: '', current_tick: '', liquidity: '5' });
    expect(poolStateFromEventsRow(mint)).toBeUndefined();
    const swap = cells(rows.format({ ...at(3), type: 'SWAP', sender: trader, recipient: trader, amount0: 1n, amount1: -1n, sqrtPriceX96: 2n ** 96n, liquidity: 9n, tick: 0 }));
    expect(poolStateFromEventsRow(swap)).toEqual({ sqrtPriceX96: 2n ** 96n, tick: 0, liquidity: 9n });
  });
});
