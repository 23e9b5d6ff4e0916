import { findFirstBlockAtOrAfter } from '../../chain/history/find-block-by-time.js';
import { type FeedPhases, readFeedPhases } from '../../chain/history/read-feed-phases.js';
import { type SkippedRounds, walkFeedRounds } from '../../chain/history/walk-feed-rounds.js';
import { withRpcRetry } from '../../chain/history/with-rpc-retry.js';
import type { Address } from '../../model/address.js';
import { fetchedChainlinkRoundColumns, formatChainlinkRound } from '../csv/format-chainlink-round.js';
import { openCsvForAppend } from '../csv/open-csv-for-append.js';
import { readCsv } from '../csv/read-csv.js';
import { type FetchParameters, type FetchSummary, isoSeconds, readFetchMeta, writeFetchMeta } from './fetch-meta.js';
import { checkResumable, clearFetchProgress, type FetchProgress, readFetchProgress, writeFetchProgress } from './fetch-progress.js';

export type FetchChainlinkRoundsParameters = FetchParameters & {
  /** The feed's proxy (or a bare aggregator). */
  feed: Address;
  /** The pair it was named by, for the meta file ("ETH/USD"). */
  pair?: string | undefined;
  /** Unix seconds: rounds from the first block at or after this time. Default: the chain's start. */
  from?: number | undefined;
  /** Unix seconds: rounds up to the last block at or before this time. Default: the head at the start. */
  to?: number | undefined;
};

export type FetchChainlinkRoundsReturnType = FetchSummary & {
  feed: { address: Address; pair: string | null; description: string; decimals: number; proxy: boolean };
  phases: { phaseId: number | null; aggregator: Address; rounds: number }[];
  skipped: SkippedRounds;
};

/**
 * Fetches every round of a Chainlink feed over a time range into a CSV (`round,answer,start,update,
 * answeredInRound,decimals`, oldest first), across the proxy's phases (see walkFeedRounds), and describes
 * it in `<out>.meta.json`: the feed, the RPC's host, chain id, the phases walked, the block and time
 * range, the tool. Rerunning with the same `out` resumes: an interrupted run (its `<out>.progress.json`)
 * continues after its last whole row with the range it started with, so the file ends byte for byte as
 * an uninterrupted run would have written it; a finished file is extended with the rounds since.
 *
 * @example
 * const summary = await fetchChainlinkRounds({ client, feed, out: 'eth-usd.csv', from: 1704067200, rpcLabel: 'https://eth.example/…', tool: 'mandate 0.1.0' });
 */
export async function fetchChainlinkRounds(parameters: FetchChainlinkRoundsParameters): Promise<FetchChainlinkRoundsReturnType> {
  const { client, out, feed: address, retry } = parameters;
  const [chainId, head] = await Promise.all([
    withRpcRetry('eth_chainId', () => client.getChainId(), retry),
    withRpcRetry('eth_blockNumber', () => client.getBlockNumber({ cacheTime: 0 }), retry),
  ]);
  const feed = await readFeedPhases({ client, feed: address, retry });
  const request = `from=${parameters.from === undefined ? 'start' : isoSeconds(parameters.from)} to=${parameters.to === undefined ? 'head' : isoSeconds(parameters.to)}`;
  const identity = { kind: 'chainlink-rounds', chainId, address, request } as const;
  let progress = readFetchProgress(out);
  if (progress) checkResumable(out, progress, identity);
  const csv = openCsvForAppend(out, fetchedChainlinkRoundColumns);
  try {
    const atTime = (time: number) => findFirstBlockAtOrAfter({ client, time, head, retry });
    const fromBlock = progress?.fromBlock ?? (parameters.from === undefined ? 0n : await atTime(parameters.from));
    const toBlock = progress?.toBlock ?? (parameters.to === undefined ? head : (await atTime(parameters.to + 1)) - 1n);
    const after = csv.lastRow ? BigInt(csv.lastRow.round!) : undefined;
    let scannedFrom = fromBlock;
    if (progress) scannedFrom = progress.scannedTo + 1n;
    else if (csv.lastRow) {
      // A finished file has no progress: continue from the block of its last round (updatedAt is its block's time).
      const lastBlock = await atTime(Number(csv.lastRow.update));
      if (lastBlock > scannedFrom) scannedFrom = lastBlock;
    }
    progress ??= { version: 1, ...identity, fromBlock, toBlock, scannedTo: scannedFrom - 1n };
    writeFetchProgress(out, progress);

    let newRows = 0;
    const skipped: SkippedRounds = { overlap: 0, repeated: 0, unreadable: 0 };
    for await (const chunk of walkFeedRounds({ client, feed, fromBlock: scannedFrom, toBlock, after, maxRange: parameters.maxRange, retry })) {
      csv.append(chunk.rounds.map(formatChainlinkRound));
      newRows += chunk.rounds.length;
      for (const key of Object.keys(skipped) as (keyof SkippedRounds)[]) skipped[key] += chunk.skipped[key];
      progress = { ...progress, scannedTo: chunk.toBlock } satisfies FetchProgress;
      writeFetchProgress(out, progress);
      parameters.onProgress?.({ fromBlock, toBlock, scannedTo: chunk.toBlock, newRows });
    }
    csv.close();

    const described = await describeFile(out, feed);
    // A file extended by a later run still starts where the first run started.
    const earlier = (readFetchMeta(out)?.source as { blocks?: { from?: string } } | undefined)?.blocks?.from;
    const firstBlock = csv.resumed && earlier !== undefined && BigInt(earlier) < fromBlock ? BigInt(earlier) : fromBlock;
    const metaFile = writeFetchMeta(out, {
      kind: 'chainlink-rounds',
      columns: fetchedChainlinkRoundColumns,
      rows: described.rows,
      feed: { address, pair: parameters.pair ?? null, description: feed.description, decimals: feed.decimals, proxy: feed.proxy },
      source: {
        rpc: parameters.rpcLabel,
        chainId,
        proxy: feed.proxy ? address : null,
        phases: described.phases,
        blocks: { from: firstBlock, to: toBlock },
        time: described.time,
        tool: parameters.tool,
      },
      order: 'oldest first (round id ascending)',
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
      feed: { address, pair: parameters.pair ?? null, description: feed.description, decimals: feed.decimals, proxy: feed.proxy },
      phases: described.phases.map(({ phaseId, aggregator, rounds }) => ({ phaseId, aggregator, rounds })),
      skipped,
    };
  } catch (error) {
    csv.close();
    throw error;
  }
}

/** Rows, time range and rounds per phase of the whole file (an extended file included), from the file itself. */
async function describeFile(out: string, feed: FeedPhases) {
  const perPhase = new Map<number | null, { rounds: number; firstRound: string; lastRound: string }>();
  let rows = 0;
  let first: bigint | undefined;
  let last: bigint | undefined;
  for await (const { values } of readCsv(out)) {
    rows++;
    const round = BigInt(values.round!);
    const update = BigInt(values.update!);
    if (first === undefined) first = update;
    last = update;
    const phaseId = feed.proxy ? Number(round >> 64n) : null;
    const entry = perPhase.get(phaseId);
    if (entry) {
      entry.rounds++;
      entry.lastRound = round.toString();
    } else perPhase.set(phaseId, { rounds: 1, firstRound: round.toString(), lastRound: round.toString() });
  }
  const phases = feed.phases.map((phase) => ({
    phaseId: phase.phaseId ?? null,
    aggregator: phase.aggregator,
    decimals: phase.decimals,
    ...(perPhase.get(phase.phaseId ?? null) ?? { rounds: 0, firstRound: null, lastRound: null }),
  }));
  const time = first === undefined ? null : { from: Number(first), to: Number(last), fromIso: isoSeconds(first), toIso: isoSeconds(last!) };
  return { rows, phases, time };
}
