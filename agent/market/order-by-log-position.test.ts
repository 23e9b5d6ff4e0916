import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { STATE_READ_LOG_INDEX } from './log-position.js';
import type { MarketEvent, OracleUpdate, PoolUpdate } from '../model/market-event.js';
import { orderByLogPosition, type BlockWatermark } from './order-by-log-position.js';
import { toAddress } from '../model/address.js';

const swap = (block: bigint, logIndex: number): PoolUpdate => ({
  kind: 'pool', pool: toAddress('0x00000000000000000000000000000000000000aa'), sqrtPriceX96: 1n, tick: 0, liquidity: 1n, block, logIndex, time: 0,
});
const round = (block: bigint, roundId: bigint, logIndex?: number): OracleUpdate => ({
  kind: 'oracle', feed: toAddress('0x00000000000000000000000000000000000000fe'), roundId, answer: 1n, decimals: 8, updatedAt: 1n, time: 1, block, logIndex,
});
const watermark = (block: bigint): BlockWatermark => ({ kind: 'watermark', block });

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('orderByLogPosition', () => {
  it('holds events until a watermark covers them, then releases them by (block, logIndex)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values: Record<string, MarketEvent | BlockWatermark> = {
        a: swap(2n, 7), b: round(1n, 5n, 3), c: swap(1n, 9), w: watermark(1n), x: watermark(2n),
      };
      const input = cold('a-b-c-w-----x|', values);
      // At w (block 1) the two block-1 events leave in log order; the block-2 swap waits for x.
      expectObservable(input.pipe(orderByLogPosition())).toBe('------(bc)--a|', {
        a: values.a, b: values.b, c: values.c,
      });
    });
  });

  it('puts state reads after every log of their block', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const read = round(5n, 9n); // a latestRoundData read at block 5: no log index
      const values = { r: read, s: swap(5n, 40), t: swap(6n, 0), w: watermark(6n) };
      expectObservable(cold('r-s-t-w-----|', values).pipe(orderByLogPosition())).toBe('------(srt)-|', values);
      expect(read.logIndex ?? STATE_READ_LOG_INDEX).toBe(STATE_READ_LOG_INDEX);
    });
  });

  it('passes on at once an event for a block already released, and flushes what it holds on completion', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { w: watermark(3n), l: swap(2n, 1), h: swap(9n, 0), g: swap(8n, 0) };
      expectObservable(cold('w-l-h-g|', values).pipe(orderByLogPosition())).toBe('--l----(gh|)', values);
    });
  });

  it('passes errors through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-#', { a: swap(1n, 0) }).pipe(orderByLogPosition())).toBe('--#');
    });
  });
});
