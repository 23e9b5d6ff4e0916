import { asyncScheduler, lastValueFrom, toArray, type Observable, type SchedulerLike } from 'rxjs';
import { decodeEventLog, parseAbi, toEventSelector, type TransactionReceipt } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelay } from '../agent/model/backoff-delay.js';
import { createChainlinkSource } from '../agent/market/chainlink-source.js';
import { createLiveMarketStream } from '../agent/market/create-live-market-stream.js';
import { createMarketStream } from '../agent/market/create-market-stream.js';
import { uniswapV3PoolEventsAbi } from '../agent/market/decode-swap-log.js';
import { toAddress, type Address } from '../agent/model/address.js';
import type { MarketEvent, OracleUpdate, PoolUpdate } from '../agent/model/market-event.js';
import { startMarketFixture, type MarketFixture } from './support/market-fixture.js';
import { createUniswapPoolSource } from '../agent/market/uniswap-pool-source.js';

// Round ids as a proxy reports them: (phase << 64) + aggregator round.
const phase = 3n << 64n;
const price = (dollars: number) => BigInt(dollars) * 10n ** 8n;
const answerUpdatedAbi = parseAbi(['event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)']);
const answerUpdatedTopic = toEventSelector(answerUpdatedAbi[0]);

// anvil does not fail here: an RPC error means a bug, so surface it instead of retrying forever.
const failFast = { maxConsecutiveErrors: 0 };

let fixture: MarketFixture;
beforeAll(async () => {
  fixture = await startMarketFixture();
});
afterAll(async () => {
  await fixture?.stop();
});

const all = (market$: Observable<MarketEvent>) => lastValueFrom(market$.pipe(toArray()));
const oracleEvents = (events: MarketEvent[]) => events.filter((event): event is OracleUpdate => event.kind === 'oracle');
const position = (event: MarketEvent) => `${event.kind}@${event.block}:${event.logIndex ?? 'read'}`;

/** The market events these receipts imply: Swap logs of the pool and AnswerUpdated logs of the aggregator. */
function expectedLogPositions(receipts: TransactionReceipt[], pool: Address, aggregator: Address): string[] {
  const positions: { block: bigint; logIndex: number; kind: string }[] = [];
  for (const receipt of receipts) {
    for (const log of receipt.logs) {
      if (toAddress(log.address) === pool) {
        const decoded = decodeEventLog({ abi: uniswapV3PoolEventsAbi, topics: log.topics, data: log.data });
        if (decoded.eventName === 'Swap') positions.push({ block: log.blockNumber, logIndex: log.logIndex, kind: 'pool' });
      } else if (toAddress(log.address) === aggregator) {
        if (log.topics[0] !== answerUpdatedTopic) continue; // NewRound
        const decoded = decodeEventLog({ abi: answerUpdatedAbi, topics: log.topics, data: log.data });
        if (decoded.args.current > 0n) {
          positions.push({ block: log.blockNumber, logIndex: log.logIndex, kind: 'oracle' });
        }
      }
    }
  }
  positions.sort((a, b) => (a.block !== b.block ? (a.block < b.block ? -1 : 1) : a.logIndex - b.logIndex));
  return positions.map((p) => `${p.kind}@${p.block}:${p.logIndex}`);
}

/** Waits (polling) until `condition` holds; fails naming what it waited for. */
async function until(what: string, condition: () => boolean | Promise<boolean>, limitMs = 30_000): Promise<void> {
  for (let waited = 0; waited < limitMs; waited += 10) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Timed out waiting until ${what}`);
}

describe('live market sources on anvil', () => {
  it('polls Chainlink rounds once each and in order, and rejects and counts a round with answer 0', async () => {
    const fromBlock = (await fixture.head()) + 1n;
    const receipts: TransactionReceipt[] = [];
    for (const [round, answer] of [[1n, price(2000)], [2n, price(2010)], [3n, price(1990)], [4n, 0n], [5n, price(2005)]] as const) {
      receipts.push(await fixture.confirm(await fixture.sendRound(phase + round, answer)));
    }
    // Every block is polled, so each round is seen at the block that set it.
    const chainlink = createChainlinkSource({ client: fixture.client, feeds: [fixture.aggregator], mode: 'poll', pollEvery: 'block' });
    const stream = createMarketStream({
      client: fixture.client, sources: [chainlink], fromBlock, toBlock: receipts.at(-1)!.blockNumber, pollIntervalMs: 10, ...failFast,
    });

    const events = oracleEvents(await all(stream.market$));

    const kept = [0, 1, 2, 4].map((i) => receipts[i]!);
    expect(events.map((event) => [event.roundId - phase, event.block])).toEqual(
      [1n, 2n, 3n, 5n].map((round, i) => [round, kept[i]!.blockNumber]),
    );
    expect(events.map((event) => event.answer)).toEqual([price(2000), price(2010), price(1990), price(2005)]);
    expect(events.every((event) => event.decimals === 8 && event.feed === fixture.aggregator)).toBe(true);
    expect(chainlink.stats()).toMatchObject({ accepted: 4, rejected: 1, rejectedByReason: { 'non-positive-answer': 1 } });
    expect(stream.stats()).toMatchObject({ eventsByKind: { oracle: 4, pool: 0 }, rejectedByReason: { 'non-positive-answer': 1 }, rpcErrors: 0 });
  });

  it('reads back the rounds that fell between two polls, still rejecting the bad one', async () => {
    await fixture.confirm(await fixture.sendRound(phase + 5n, price(2005))); // the latest round at the start
    const fromBlock = (await fixture.head()) + 1n;
    const receipts: TransactionReceipt[] = [];
    for (const [round, answer] of [[6n, price(2020)], [7n, -1n], [8n, price(2030)], [9n, price(2040)]] as const) {
      receipts.push(await fixture.confirm(await fixture.sendRound(phase + round, answer)));
    }
    const toBlock = receipts.at(-1)!.blockNumber;
    const chainlink = createChainlinkSource({ client: fixture.client, feeds: [{ address: fixture.aggregator }], mode: 'poll' });
    const stream = createMarketStream({ client: fixture.client, sources: [chainlink], fromBlock, toBlock, pollIntervalMs: 10, ...failFast });

    const events = oracleEvents(await all(stream.market$));

    // The start state (round 5, read at the block before fromBlock), then the whole range in one poll.
    expect(events.map((event) => [event.roundId - phase, event.block])).toEqual([
      [5n, fromBlock - 1n], [6n, toBlock], [8n, toBlock], [9n, toBlock],
    ]);
    expect(chainlink.stats()).toMatchObject({ backfilledRounds: 3, missingRounds: 0, rejectedByReason: { 'non-positive-answer': 1 } });

    // With room to read back only one skipped round, the older ones are counted as missing.
    const narrow = createChainlinkSource({ client: fixture.client, feeds: [fixture.aggregator], maxBackfillRounds: 1 });
    const narrowEvents = oracleEvents(await all(createMarketStream({ client: fixture.client, sources: [narrow], fromBlock, toBlock, pollIntervalMs: 10, ...failFast }).market$));
    expect(narrowEvents.map((event) => event.roundId - phase)).toEqual([5n, 8n, 9n]);
    expect(narrow.stats()).toMatchObject({ backfilledRounds: 1, missingRounds: 2, rejected: 0 });
  });

  it('merges Chainlink AnswerUpdated logs and Uniswap swaps into one stream in (block, logIndex) order', async () => {
    await fixture.confirm(await fixture.sendRound(phase + 9n, price(2040))); // the latest round at the start
    const fromBlock = (await fixture.head()) + 1n;
    const receipts = [
      ...(await fixture.inOneBlock(async () => [
        await fixture.sendSwap(true, 10n ** 18n),
        await fixture.sendRound(phase + 10n, price(2050)),
        await fixture.sendSwap(false, 3n * 10n ** 17n),
        await fixture.sendSwap(true, 2n * 10n ** 18n),
      ])),
      await fixture.confirm(await fixture.sendSwap(false, 5n * 10n ** 18n)),
      await fixture.confirm(await fixture.sendRound(phase + 11n, 0n)),
      ...(await fixture.inOneBlock(async () => [await fixture.sendRound(phase + 12n, price(2060)), await fixture.sendSwap(true, 10n ** 17n)])),
    ];
    expect(new Set(receipts.slice(0, 4).map((receipt) => receipt.blockNumber)).size).toBe(1);
    const toBlock = receipts.at(-1)!.blockNumber;
    const chainlink = createChainlinkSource({ client: fixture.client, feeds: [fixture.aggregator], mode: 'events' });
    const pools = createUniswapPoolSource({ client: fixture.client, pools: [fixture.pool] });
    // The pool source first so it answers before Chainlink: the order must come from the stream, not the sources.
    const stream = createMarketStream({ client: fixture.client, sources: [pools, chainlink], fromBlock, toBlock, pollIntervalMs: 10, maxBlocksPerRange: 2, ...failFast });

    const events = await all(stream.market$);

    expect(events.map(position)).toEqual([
      `oracle@${fromBlock - 1n}:read`,
      `pool@${fromBlock - 1n}:${Number.MAX_SAFE_INTEGER}`,
      ...expectedLogPositions(receipts, fixture.pool, fixture.aggregator),
    ]);
    const swaps = events.filter((event): event is PoolUpdate => event.kind === 'pool').slice(1);
    // Pool events carry their block's time; oracle events the round's updatedAt.
    for (const event of events.filter((event) => event.block! >= fromBlock)) {
      const blockTime = Number((await fixture.client.getBlock({ blockNumber: event.block! })).timestamp);
      expect(event.time).toBe(event.kind === 'pool' ? blockTime : Number(event.updatedAt));
      if (event.kind === 'oracle') expect(event.updatedAt).toBeLessThanOrEqual(BigInt(blockTime));
    }
    // Named as configured (checksummed), though RPC logs carry lower-case addresses.
    expect(events.filter((event) => event.kind === 'pool').every((event) => event.pool === fixture.pool)).toBe(true);
    expect(fixture.pool).toMatch(/[A-F]/);
    // Selling token0 pays it into the pool: amount0 > 0.
    expect(swaps.map((swap) => swap.amount0! > 0n)).toEqual([true, false, true, false, true]);
    const [sqrtPriceX96, tick] = (await fixture.client.readContract({
      address: fixture.pool,
      abi: parseAbi(['function slot0() view returns (uint160, int24, uint16, uint16, uint16, uint8, bool)']),
      functionName: 'slot0',
      blockNumber: toBlock,
    })) as readonly [bigint, number, ...unknown[]];
    expect([swaps.at(-1)!.sqrtPriceX96, swaps.at(-1)!.tick]).toEqual([sqrtPriceX96, tick]);
    expect(oracleEvents(events).map((event) => event.roundId - phase)).toEqual([9n, 10n, 12n]);
    expect(stream.stats()).toMatchObject({
      eventsByKind: { oracle: 3, pool: 6 },
      dropped: { duplicate: 0, 'out-of-order': 0 },
      rejectedByReason: { 'non-positive-answer': 1 },
      lastProcessedBlock: toBlock,
    });
    expect(pools.stats().logsByEvent).toEqual({ Swap: 5 });
  });

  it('rejects and counts stale rounds and rounds from the future', async () => {
    await fixture.confirm(await fixture.sendRound(phase + 12n, price(2060))); // the latest round at the start
    const fromBlock = (await fixture.head()) + 1n;
    const now = (await fixture.client.getBlock()).timestamp;
    await fixture.confirm(await fixture.sendRound(phase + 13n, price(2070), now - 7_200n));
    await fixture.confirm(await fixture.sendRound(phase + 14n, price(2080), now + 100_000n));
    const last = await fixture.confirm(await fixture.sendRound(phase + 15n, price(2090)));
    const chainlink = createChainlinkSource({ client: fixture.client, feeds: [fixture.aggregator], mode: 'events', maxAgeSeconds: 3_600 });
    const stream = createMarketStream({ client: fixture.client, sources: [chainlink], fromBlock, toBlock: last.blockNumber, pollIntervalMs: 10, ...failFast });

    const events = oracleEvents(await all(stream.market$));

    expect(events.map((event) => event.roundId - phase)).toEqual([12n, 15n]);
    expect(chainlink.stats().rejectedByReason).toMatchObject({ stale: 1, 'future-updated-at': 1 });
  });

  it('asks no source twice for a range when another source failed on it, so no round is counted twice', async () => {
    const fromBlock = (await fixture.head()) + 1n;
    const receipts = [
      await fixture.confirm(await fixture.sendRound(phase + 16n, price(2100))),
      await fixture.confirm(await fixture.sendSwap(true, 10n ** 17n)),
    ];
    // The real client, except that the pool source's first getLogs fails as if the connection dropped.
    let failuresLeft = 1;
    const flakyClient = new Proxy(fixture.client, {
      get(target, key, receiver) {
        if (key === 'getLogs') {
          return async (...args: Parameters<typeof target.getLogs>) => {
            if (failuresLeft-- > 0) throw new Error('socket hang up');
            return target.getLogs(...args);
          };
        }
        return Reflect.get(target, key, receiver);
      },
    });
    const chainlink = createChainlinkSource({ client: fixture.client, feeds: [fixture.aggregator], mode: 'events' });
    const pools = createUniswapPoolSource({ client: flakyClient, pools: [fixture.pool] });
    const stream = createMarketStream({
      client: fixture.client, sources: [chainlink, pools], fromBlock, toBlock: receipts.at(-1)!.blockNumber, pollIntervalMs: 10, backoff: { initialMs: 1 },
    });

    const events = await all(stream.market$);

    expect(events.filter((event) => event.block! >= fromBlock).map(position)).toEqual(expectedLogPositions(receipts, fixture.pool, fixture.aggregator));
    expect(stream.stats()).toMatchObject({ rpcErrors: 1, reconnects: 1, consecutiveErrors: 0, dropped: { duplicate: 0, 'out-of-order': 0 } });
    expect(chainlink.stats()).toMatchObject({ accepted: 2, rejected: 0 });
  });

  it('waits with capped exponential backoff between failed attempts, on the injected scheduler', async () => {
    const toBlock = await fixture.head();
    // The real client, except that asking for the head fails four times in a row.
    let failuresLeft = 4;
    const flakyClient = new Proxy(fixture.client, {
      get(target, key, receiver) {
        if (key === 'getBlockNumber') {
          return async (...args: Parameters<typeof target.getBlockNumber>) => {
            if (failuresLeft-- > 0) throw new Error('connect ECONNREFUSED');
            return target.getBlockNumber(...args);
          };
        }
        return Reflect.get(target, key, receiver);
      },
    });
    // Runs every wait at once but records how long the stream asked to wait: no real time passes.
    const requestedWaits: number[] = [];
    const recordingScheduler: SchedulerLike = {
      now: () => 0,
      schedule(work, delay = 0, state) {
        requestedWaits.push(delay);
        return asyncScheduler.schedule(work as never, 0, state);
      },
    };
    const backoff = { initialMs: 100, maxMs: 500, jitter: 0.5 };
    const pools = createUniswapPoolSource({ client: fixture.client, pools: [fixture.pool] });
    const stream = createMarketStream({
      client: flakyClient, sources: [pools], fromBlock: toBlock, toBlock, backoff, scheduler: recordingScheduler, random: () => 0.5,
    });

    await all(stream.market$);

    expect(requestedWaits).toEqual([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, backoff, () => 0.5)));
    expect(requestedWaits).toEqual([75, 150, 300, 375]);
    expect(stream.stats()).toMatchObject({ rpcErrors: 4, reconnects: 1, consecutiveErrors: 0, lastError: 'connect ECONNREFUSED' });
  });

  it('drops and counts logs an RPC node returns twice', async () => {
    const fromBlock = (await fixture.head()) + 1n;
    const receipts = await fixture.inOneBlock(async () => [
      await fixture.sendSwap(true, 10n ** 17n),
      await fixture.sendMint(-1_200, 1_200),
      await fixture.sendSwap(false, 10n ** 17n),
    ]);
    // The real client, except that getLogs repeats every log, as some load-balanced RPCs do.
    const repeatingClient = new Proxy(fixture.client, {
      get(target, key, receiver) {
        if (key === 'getLogs') {
          return async (...args: Parameters<typeof target.getLogs>) => {
            const logs = await target.getLogs(...args);
            return [...logs, ...logs];
          };
        }
        return Reflect.get(target, key, receiver);
      },
    });
    const pools = createUniswapPoolSource({ client: repeatingClient, pools: [fixture.pool] });
    const stream = createMarketStream({ client: fixture.client, sources: [pools], fromBlock, toBlock: receipts[0]!.blockNumber, pollIntervalMs: 10, ...failFast });

    const events = await all(stream.market$);

    const swaps = events.filter((event) => (event as PoolUpdate).amount0 !== undefined);
    expect(swaps.map(position)).toEqual(expectedLogPositions(receipts, fixture.pool, fixture.aggregator));
    expect(events).toHaveLength(4); // the start state, two swaps and the Mint's new liquidity, once each
    // The repeated swaps reach the stream, which drops them; the repeated Mint the source already skips.
    expect(stream.stats().dropped).toEqual({ duplicate: 2, 'out-of-order': 0 });
    // The repeated Mint did not add its liquidity twice.
    const liquidity = await fixture.client.readContract({
      address: fixture.pool, abi: parseAbi(['function liquidity() view returns (uint128)']), functionName: 'liquidity', blockNumber: receipts[0]!.blockNumber,
    });
    expect((events.at(-1) as PoolUpdate).liquidity).toBe(liquidity);
  });

  it('reads a feed behind a proxy the same way by events and by polling: round ids carry the phase', async () => {
    const aggregator = await fixture.deployAggregator();
    const proxy = await fixture.deployFeedProxy(aggregator, 6);
    const proxyPhase = 6n << 64n;
    const fromBlock = (await fixture.head()) + 1n;
    const receipts: TransactionReceipt[] = [];
    for (const [round, answer] of [[1n, price(1800)], [2n, 0n], [3n, price(1810)]] as const) {
      receipts.push(await fixture.confirm(await fixture.sendRound(round, answer, undefined, aggregator)));
    }
    const byEvents = createChainlinkSource({ client: fixture.client, feeds: [proxy], mode: 'events', name: 'chainlink-events' });
    const byPolling = createChainlinkSource({ client: fixture.client, feeds: [proxy], mode: 'poll', name: 'chainlink-poll' });
    const stream = createMarketStream({
      client: fixture.client, sources: [byPolling, byEvents], fromBlock, toBlock: receipts.at(-1)!.blockNumber, pollIntervalMs: 10, maxBlocksPerRange: 1, ...failFast,
    });

    const events = oracleEvents(await all(stream.market$));

    // In each block the logged round comes first, then the poll that read the state at the block's end.
    const [first, , third] = receipts.map((receipt) => receipt.blockNumber);
    expect(events.map((event) => [event.roundId - proxyPhase, event.block, event.logIndex === undefined ? 'read' : 'log'])).toEqual([
      [1n, first, 'log'], [1n, first, 'read'], [3n, third, 'log'], [3n, third, 'read'],
    ]);
    expect(events.every((event) => event.feed === proxy && event.decimals === 8)).toBe(true);
    expect(stream.stats().rejectedByReason).toMatchObject({ 'non-positive-answer': 2 });
  });

  it('follows a proxy to its new aggregator when the feed moves to a new phase, by events', async () => {
    const oldAggregator = await fixture.deployAggregator();
    const newAggregator = await fixture.deployAggregator();
    const proxy = await fixture.deployFeedProxy(oldAggregator, 2);
    await fixture.confirm(await fixture.sendRound(40n, price(1900), undefined, oldAggregator));
    const fromBlock = (await fixture.head()) + 1n;
    await fixture.confirm(await fixture.sendRound(41n, price(1901), undefined, oldAggregator));
    await fixture.confirm(await fixture.sendPhaseChange(proxy, newAggregator, 3));
    await fixture.confirm(await fixture.sendRound(1n, price(1902), undefined, newAggregator));
    const last = await fixture.confirm(await fixture.sendRound(2n, price(1903), undefined, newAggregator));
    const chainlink = createChainlinkSource({ client: fixture.client, feeds: [proxy], mode: 'events' });
    // Three blocks per range: the old phase's last round, the change and the new phase's first round are one range.
    const stream = createMarketStream({ client: fixture.client, sources: [chainlink], fromBlock, toBlock: last.blockNumber, maxBlocksPerRange: 3, pollIntervalMs: 10, ...failFast });

    const events = oracleEvents(await all(stream.market$));

    expect(events.map((event) => [event.roundId >> 64n, event.roundId & (2n ** 64n - 1n), event.answer])).toEqual([
      [2n, 40n, price(1900)], [2n, 41n, price(1901)], [3n, 1n, price(1902)], [3n, 2n, price(1903)],
    ]);
    expect(chainlink.stats().rejected).toBe(0);
  });

  it('publishes the new active liquidity when a position in range is added, and nothing for one out of range', async () => {
    const fromBlock = (await fixture.head()) + 1n;
    const outOfRange = await fixture.confirm(await fixture.sendMint(60_000, 61_000));
    const inRange = await fixture.confirm(await fixture.sendMint(-600, 600));
    const swap = await fixture.confirm(await fixture.sendSwap(true, 10n ** 15n));
    const pools = createUniswapPoolSource({ client: fixture.client, pools: [fixture.pool] });
    const stream = createMarketStream({ client: fixture.client, sources: [pools], fromBlock, toBlock: swap.blockNumber, pollIntervalMs: 10, ...failFast });

    const updates = (await all(stream.market$)) as PoolUpdate[];

    const liquidityAt = (blockNumber: bigint) =>
      fixture.client.readContract({ address: fixture.pool, abi: parseAbi(['function liquidity() view returns (uint128)']), functionName: 'liquidity', blockNumber });
    expect(updates.map((update) => [update.block, update.amount0 === undefined ? 'state' : 'swap'])).toEqual([
      [fromBlock - 1n, 'state'], [inRange.blockNumber, 'state'], [swap.blockNumber, 'swap'],
    ]);
    expect(updates[1]!.liquidity).toBe(await liquidityAt(inRange.blockNumber));
    expect(updates[1]!.liquidity).toBeGreaterThan(updates[0]!.liquidity);
    expect(updates[1]!.sqrtPriceX96).toBe(updates[0]!.sqrtPriceX96);
    expect(updates[2]!.liquidity).toBe(updates[1]!.liquidity);
    expect(outOfRange.blockNumber).toBeLessThan(inRange.blockNumber);
    expect(pools.stats()).toMatchObject({ swaps: 1, liquidityChanges: 1, logsByEvent: { Mint: 2, Swap: 1 } });
  });

  it('resumes after the last processed block when subscribed again', async () => {
    const fromBlock = (await fixture.head()) + 1n;
    const pools = createUniswapPoolSource({ client: fixture.client, pools: [fixture.pool] });
    const stream = createMarketStream({ client: fixture.client, sources: [pools], fromBlock, pollIntervalMs: 10, ...failFast });
    const first: MarketEvent[] = [];
    const firstSubscription = stream.market$.subscribe((event) => first.push(event));
    const swapA = await fixture.confirm(await fixture.sendSwap(true, 10n ** 15n));
    await until('the first subscriber has swap A', () => first.some((event) => event.block === swapA.blockNumber));
    firstSubscription.unsubscribe();

    const swapB = await fixture.confirm(await fixture.sendSwap(false, 10n ** 15n));
    const swapC = await fixture.confirm(await fixture.sendSwap(true, 10n ** 15n));
    const second: MarketEvent[] = [];
    const secondSubscription = stream.market$.subscribe((event) => second.push(event));
    try {
      await until('the second subscriber has swap C', () => second.some((event) => event.block === swapC.blockNumber));
    } finally {
      secondSubscription.unsubscribe();
    }

    expect(first.map((event) => event.block)).toEqual([fromBlock - 1n, swapA.blockNumber]);
    expect(second.map(position)).toEqual(expectedLogPositions([swapB, swapC], fixture.pool, fixture.aggregator));
    expect(stream.stats().eventsByKind.pool).toBe(4);
  });

  it('sees the same rounds and swaps whether the config says events or polling', async () => {
    await fixture.confirm(await fixture.sendRound(phase + 19n, price(2190)));
    const fromBlock = (await fixture.head()) + 1n;
    await fixture.confirm(await fixture.sendRound(phase + 20n, price(2200)));
    await fixture.confirm(await fixture.sendSwap(true, 10n ** 16n));
    await fixture.confirm(await fixture.sendRound(phase + 21n, price(2210)));
    await fixture.inOneBlock(async () => [await fixture.sendRound(phase + 22n, price(2220)), await fixture.sendSwap(false, 10n ** 16n)]);
    const toBlock = await fixture.head();
    const run = (source: 'events' | 'polling') =>
      all(
        createLiveMarketStream({
          client: fixture.client, feeds: [fixture.aggregator], pools: [fixture.pool], source, confirmations: 0, pollIntervalMs: 10, fromBlock, toBlock, ...failFast,
        }).market$,
      );

    const [byEvents, byPolling] = await Promise.all([run('events'), run('polling')]);

    const rounds = (events: MarketEvent[]) => oracleEvents(events).map((event) => [event.roundId - phase, event.answer]);
    const pool = (events: MarketEvent[]) => events.filter((event) => event.kind === 'pool');
    expect(rounds(byPolling)).toEqual(rounds(byEvents));
    expect(rounds(byEvents).map(([round]) => round)).toEqual([19n, 20n, 21n, 22n]);
    expect(pool(byPolling)).toEqual(pool(byEvents));
    expect(pool(byEvents)).toHaveLength(3);
  });

  it('processes a block only once it has the configured confirmations', async () => {
    const pools = createUniswapPoolSource({ client: fixture.client, pools: [fixture.pool] });
    const stream = createMarketStream({ client: fixture.client, sources: [pools], confirmations: 2, pollIntervalMs: 10, ...failFast });
    const events: MarketEvent[] = [];
    const subscription = stream.market$.subscribe((event) => events.push(event));
    try {
      const before = await fixture.head();
      await until('the stream starts at head − 2', () => stream.stats().lastProcessedBlock === before - 2n);
      const swapBlock = (await fixture.confirm(await fixture.sendSwap(true, 10n ** 16n))).blockNumber;
      await until('the stream sees the swap block as head', () => stream.stats().headBlock === swapBlock);
      await fixture.mine(1);
      await until('the stream sees one more block', () => stream.stats().headBlock === swapBlock + 1n);
      await until('the stream processed head − 2', () => stream.stats().lastProcessedBlock === swapBlock - 1n);
      expect(events.filter((event) => event.block === swapBlock)).toEqual([]);
      await fixture.mine(1);
      await until('the swap arrives', () => events.some((event) => event.block === swapBlock));
      expect(events.filter((event) => event.block === swapBlock).map((event) => event.kind)).toEqual(['pool']);
      expect(stream.stats().lagBlocks).toBe(2n);
    } finally {
      subscription.unsubscribe();
    }
  });
});
