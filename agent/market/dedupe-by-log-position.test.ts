import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { dedupeByLogPosition, type DroppedEventReason } from './dedupe-by-log-position.js';
import type { MarketEvent, OracleUpdate, PoolUpdate } from '../model/market-event.js';
import { toAddress } from '../model/address.js';

// Addresses normalised as the sources do where they enter, so two spellings of one feed are one feed.
const swap = (block: bigint, logIndex: number, pool = '0x00000000000000000000000000000000000000aa'): PoolUpdate => ({
  kind: 'pool', pool: toAddress(pool), sqrtPriceX96: 1n, tick: 0, liquidity: 1n, block, logIndex, time: 0,
});
const read = (block: bigint, feed: string, roundId: bigint): OracleUpdate => ({
  kind: 'oracle', feed: toAddress(feed), roundId, answer: 1n, decimals: 8, updatedAt: 1n, time: 1, block,
});

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('dedupeByLogPosition', () => {
  it('drops a repeated (block, logIndex) as a duplicate and an earlier one as out of order, counting each', () => {
    const drops: [string, DroppedEventReason][] = [];
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { a: swap(1n, 0), b: swap(1n, 4), c: swap(1n, 4), d: swap(1n, 2), e: swap(2n, 0), f: swap(1n, 9) };
      const deduped = cold('a-b-c-d-e-f|', values).pipe(
        dedupeByLogPosition((event, reason) => drops.push([`${event.block}:${event.logIndex}`, reason])),
      );
      expectObservable(deduped).toBe('a-b-----e--|', values);
    });
    expect(drops).toEqual([['1:4', 'duplicate'], ['1:2', 'out-of-order'], ['1:9', 'out-of-order']]);
  });

  it('treats a duplicate log from another address as the same log (log positions are unique per block)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { a: swap(3n, 1), b: swap(3n, 1, '0x00000000000000000000000000000000000000bb') };
      expectObservable(cold('ab|', values).pipe(dedupeByLogPosition())).toBe('a-|', values);
    });
  });

  it('keeps distinct state reads at the same block end, and drops a repeated one', () => {
    const drops: DroppedEventReason[] = [];
    testScheduler().run(({ cold, expectObservable }) => {
      const values: Record<string, MarketEvent> = {
        a: read(5n, '0x00000000000000000000000000000000000000f1', 10n),
        b: read(5n, '0x00000000000000000000000000000000000000f2', 3n),
        c: read(5n, '0x00000000000000000000000000000000000000F1', 10n),
        d: read(5n, '0x00000000000000000000000000000000000000f1', 11n),
      };
      expectObservable(cold('abcd|', values).pipe(dedupeByLogPosition((_, reason) => drops.push(reason)))).toBe(
        'ab-d|',
        values,
      );
    });
    expect(drops).toEqual(['duplicate']);
  });

  it('passes errors and completion through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a#', { a: swap(1n, 0) }).pipe(dedupeByLogPosition())).toBe('a#', { a: swap(1n, 0) });
    });
  });
});
