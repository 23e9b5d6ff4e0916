import { asyncScheduler, Observable, share, tap, type SchedulerLike, type Subscription } from 'rxjs';
import type { PublicClient } from 'viem';
import { MandateError } from '../model/base-error.js';
import { backoffDelay, type BackoffOptions } from '../model/backoff-delay.js';
import { dedupeByLogPosition, type DroppedEventReason } from './dedupe-by-log-position.js';
import type { MarketEvent } from '../model/market-event.js';
import { silentMarketLogger, type MarketLogger, type MarketSource, type MarketSourceStats } from './market-source.js';
import { orderByLogPosition, type BlockWatermark } from './order-by-log-position.js';

/** The market stream was configured with something it cannot use. */
export class MarketStreamConfigError extends MandateError {
  override name = 'MarketStreamConfigError';
}

/** The RPC kept failing for more consecutive attempts than allowed. */
export class RpcUnavailableError extends MandateError {
  override name = 'RpcUnavailableError';
}

export type MarketStreamParameters = {
  /** Any viem PublicClient (http or websocket). Its own retries add to the stream's backoff. */
  client: Pick<PublicClient, 'getBlockNumber'>;
  sources: readonly MarketSource[];
  /** Only blocks at or below head − confirmations are processed, so a shallow reorg is never seen. Default 0. */
  confirmations?: number | undefined;
  /**
   * The first block whose logs are processed; the sources' start state is read at the block before it.
   * Default: the confirmed head when market$ is first subscribed.
   */
  fromBlock?: bigint | undefined;
  /** Complete market$ once this block is processed (bounded runs, tests). Default: never. */
  toBlock?: bigint | undefined;
  /** How often to look for new blocks once caught up, ms. Default 1 000. */
  pollIntervalMs?: number | undefined;
  /** The largest block range read at once (RPC getLogs limits). Default 500. */
  maxBlocksPerRange?: number | undefined;
  backoff?: BackoffOptions | undefined;
  /** Give up (market$ errors with RpcUnavailableError) after this many consecutive failures. Default: never. */
  maxConsecutiveErrors?: number | undefined;
  /** Where polling and backoff waits are scheduled; a test scheduler makes them instant. Default asyncScheduler. */
  scheduler?: SchedulerLike | undefined;
  /** Jitter source for the backoff, 0 ≤ random() < 1. Default Math.random. */
  random?: (() => number) | undefined;
  logger?: MarketLogger | undefined;
};

export type MarketStreamStats = {
  /** Events published on market$, by kind. */
  eventsByKind: { oracle: number; pool: number };
  /** Events dropped by (block, logIndex): seen again, or arriving after a later one. */
  dropped: Record<DroppedEventReason, number>;
  /** Rounds and logs the sources rejected, by reason, summed over sources. */
  rejectedByReason: Record<string, number>;
  /** Failed RPC attempts (each is followed by a backoff wait). */
  rpcErrors: number;
  /** Times the stream recovered after one or more failed attempts. */
  reconnects: number;
  /** Failures since the last success; 0 when healthy. */
  consecutiveErrors: number;
  /** The message of the last RPC error, for operators. */
  lastError: string | undefined;
  /** The last block whose events were all published. */
  lastProcessedBlock: bigint | undefined;
  /** The chain head at the last poll. */
  headBlock: bigint | undefined;
  /** head − last processed block (includes the confirmation depth). */
  lagBlocks: bigint | undefined;
  /** Each source's own stats, by source name. */
  sources: Record<string, MarketSourceStats>;
};

/**
 * Merges live sources into one ordered, typed market$. Blocks are processed in ranges up to the
 * confirmed head (head − confirmations); every source reads each range once, and its events are held
 * until all sources have read the range, then published in (block, logIndex) order, state reads last in
 * their block. Duplicate and late events are dropped and counted. When the RPC fails, the stream waits
 * (exponential backoff with jitter, capped) and resumes from the last fully read block: a source that
 * already read a range is not asked again, so nothing is lost or published twice.
 *
 * market$ is shared: all subscribers see the same events, read once. Unsubscribing everyone stops the
 * polling; subscribing again resumes after the last processed block.
 *
 * @example
 * const stream = createMarketStream({
 *   client,
 *   sources: [createChainlinkSource({ client, feeds: [ethUsd] }), createUniswapPoolSource({ client, pools: [pool] })],
 *   confirmations: 2,
 * });
 * stream.market$.subscribe((event) => state.apply(event));
 * setInterval(() => log.info(stream.stats()), 60_000);
 */
export function createMarketStream(parameters: MarketStreamParameters) {
  const { client, sources } = parameters;
  const confirmations = BigInt(parameters.confirmations ?? 0);
  const pollIntervalMs = parameters.pollIntervalMs ?? 1_000;
  const maxBlocksPerRange = BigInt(parameters.maxBlocksPerRange ?? 500);
  const maxConsecutiveErrors = parameters.maxConsecutiveErrors ?? Infinity;
  const scheduler = parameters.scheduler ?? asyncScheduler;
  const random = parameters.random ?? Math.random;
  const logger = parameters.logger ?? silentMarketLogger;
  validate(parameters);

  // Progress lives here, not in a subscription, so a resubscription resumes where the last one stopped.
  let startBlock: bigint | undefined; // where the sources' start state is read
  const sourceStarted = sources.map(() => false);
  const sourceReadThrough: (bigint | undefined)[] = sources.map(() => undefined);
  const counters = {
    eventsByKind: { oracle: 0, pool: 0 },
    dropped: { duplicate: 0, 'out-of-order': 0 } as Record<DroppedEventReason, number>,
    rpcErrors: 0,
    reconnects: 0,
    consecutiveErrors: 0,
    lastError: undefined as string | undefined,
    lastProcessedBlock: undefined as bigint | undefined,
    headBlock: undefined as bigint | undefined,
  };

  // Events read but not yet published (their range is not fully read): kept across subscriptions.
  let unpublished: MarketEvent[] = [];
  // The polling loop of the last subscription. A new one starts only after it has stopped, so two loops
  // never read the same range (an unsubscribe may land while a read is in flight).
  let previousLoop: Promise<void> = Promise.resolve();

  const items$ = new Observable<MarketEvent | BlockWatermark>((subscriber) => {
    let stopped = false;
    // Waits in progress; on unsubscribe they end at once so the loop can stop.
    const pending = new Map<Subscription, () => void>();
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        let action: Subscription | undefined;
        let done = false;
        // A scheduler may run the work synchronously, before `action` is even assigned.
        action = scheduler.schedule(() => {
          done = true;
          if (action) pending.delete(action);
          resolve();
        }, ms);
        if (!done) pending.set(action, resolve);
      });
    /** Publishes everything read through `block` at once, so a range is delivered whole or not at all. */
    const publishThrough = (block: bigint) => {
      const events = unpublished;
      unpublished = [];
      counters.lastProcessedBlock = block;
      for (const event of events) subscriber.next(event);
      subscriber.next({ kind: 'watermark', block });
    };
    const finished = () => parameters.toBlock !== undefined && counters.lastProcessedBlock !== undefined && counters.lastProcessedBlock >= parameters.toBlock;

    /** Processes every confirmed block not yet processed; throws on the first RPC failure. */
    async function catchUp(): Promise<void> {
      const head = await client.getBlockNumber({ cacheTime: 0 });
      counters.headBlock = head;
      let confirmed = head - confirmations;
      if (parameters.toBlock !== undefined && confirmed > parameters.toBlock) confirmed = parameters.toBlock;
      startBlock ??= parameters.fromBlock !== undefined ? parameters.fromBlock - 1n : confirmed;
      if (confirmed < startBlock) return; // the requested start is not confirmed yet
      for (let i = 0; i < sources.length; i++) {
        if (sourceStarted[i]) continue;
        unpublished.push(...(await sources[i]!.start(startBlock)));
        sourceStarted[i] = true;
        sourceReadThrough[i] = startBlock;
      }
      if (stopped) return;
      if (counters.lastProcessedBlock === undefined) publishThrough(startBlock);
      while (!stopped && counters.lastProcessedBlock! < confirmed) {
        const rangeEnd = counters.lastProcessedBlock! + maxBlocksPerRange < confirmed ? counters.lastProcessedBlock! + maxBlocksPerRange : confirmed;
        for (let i = 0; i < sources.length; i++) {
          const readThrough = sourceReadThrough[i]!;
          if (readThrough >= rangeEnd) continue; // read before an error interrupted the range: never twice
          unpublished.push(...(await sources[i]!.readRange(readThrough + 1n, rangeEnd)));
          sourceReadThrough[i] = rangeEnd;
        }
        if (stopped) return;
        publishThrough(rangeEnd);
      }
    }

    async function run(): Promise<void> {
      while (!stopped && !finished()) {
        try {
          await catchUp();
          if (counters.consecutiveErrors > 0) {
            counters.reconnects++;
            logger.info?.({ after: counters.consecutiveErrors, lastProcessedBlock: counters.lastProcessedBlock?.toString() }, 'RPC is back; resuming');
            counters.consecutiveErrors = 0;
          }
          if (finished() || stopped) break;
          await sleep(pollIntervalMs);
        } catch (error) {
          if (stopped) return;
          counters.rpcErrors++;
          counters.consecutiveErrors++;
          counters.lastError = error instanceof Error ? error.message.split('\n')[0] : String(error);
          if (counters.consecutiveErrors > maxConsecutiveErrors) {
            throw new RpcUnavailableError('The RPC keeps failing; the market stream stopped.', {
              details: `${counters.consecutiveErrors} consecutive failures (at most ${maxConsecutiveErrors} allowed); last processed block ${counters.lastProcessedBlock}.`,
              cause: error,
            });
          }
          const wait = backoffDelay(counters.consecutiveErrors, parameters.backoff, random);
          logger.warn({ error: counters.lastError, attempt: counters.consecutiveErrors, waitMs: wait, lastProcessedBlock: counters.lastProcessedBlock?.toString() }, 'Market RPC request failed; retrying');
          await sleep(wait);
        }
      }
    }

    const loop = previousLoop.then(run);
    previousLoop = loop.catch(() => {});
    loop.then(
      () => subscriber.complete(),
      (error: unknown) => subscriber.error(error),
    );
    return () => {
      stopped = true;
      for (const [action, resolve] of pending) {
        action.unsubscribe();
        resolve();
      }
      pending.clear();
    };
  });

  const market$: Observable<MarketEvent> = items$.pipe(
    orderByLogPosition(),
    dedupeByLogPosition((event, reason) => {
      counters.dropped[reason]++;
      logger.warn({ kind: event.kind, block: event.block?.toString(), logIndex: event.logIndex, reason }, `Dropped a ${reason} market event`);
    }),
    tap((event) => counters.eventsByKind[event.kind]++),
    share(),
  );

  function stats(): MarketStreamStats {
    const sourceStats: Record<string, MarketSourceStats> = {};
    const rejectedByReason: Record<string, number> = {};
    for (const source of sources) {
      const own = source.stats();
      sourceStats[source.name] = own;
      for (const [reason, count] of Object.entries(own.rejectedByReason)) rejectedByReason[reason] = (rejectedByReason[reason] ?? 0) + count;
    }
    return {
      eventsByKind: { ...counters.eventsByKind },
      dropped: { ...counters.dropped },
      rejectedByReason,
      rpcErrors: counters.rpcErrors,
      reconnects: counters.reconnects,
      consecutiveErrors: counters.consecutiveErrors,
      lastError: counters.lastError,
      lastProcessedBlock: counters.lastProcessedBlock,
      headBlock: counters.headBlock,
      lagBlocks: counters.headBlock !== undefined && counters.lastProcessedBlock !== undefined ? counters.headBlock - counters.lastProcessedBlock : undefined,
      sources: sourceStats,
    };
  }

  return { market$, stats };
}
export type MarketStream = ReturnType<typeof createMarketStream>;

function validate(parameters: MarketStreamParameters): void {
  const positiveInteger = (key: string, value: number | undefined, min: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min)) {
      throw new MarketStreamConfigError(`Invalid market stream option ${key}.`, { details: `Got ${value}; accepted: an integer ≥ ${min}.` });
    }
  };
  positiveInteger('confirmations', parameters.confirmations, 0);
  positiveInteger('pollIntervalMs', parameters.pollIntervalMs, 0);
  positiveInteger('maxBlocksPerRange', parameters.maxBlocksPerRange, 1);
  if (parameters.sources.length === 0) {
    throw new MarketStreamConfigError('The market stream has no sources.', { details: 'Pass at least one Chainlink or Uniswap v3 source.' });
  }
  const names = parameters.sources.map((source) => source.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated) {
    throw new MarketStreamConfigError('Two market sources share a name.', { details: `"${repeated}" appears twice; stats are keyed by name, so give each a distinct one.` });
  }
  if (parameters.fromBlock !== undefined && parameters.fromBlock < 1n) {
    throw new MarketStreamConfigError('Invalid market stream option fromBlock.', { details: `Got ${parameters.fromBlock}; accepted: a block ≥ 1 (start state is read at the block before it).` });
  }
  if (parameters.fromBlock !== undefined && parameters.toBlock !== undefined && parameters.toBlock < parameters.fromBlock) {
    throw new MarketStreamConfigError('toBlock is before fromBlock.', { details: `fromBlock ${parameters.fromBlock}, toBlock ${parameters.toBlock}.` });
  }
}
