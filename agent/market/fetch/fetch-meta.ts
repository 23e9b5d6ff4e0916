import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { PublicClient } from 'viem';
import type { RpcRetryOptions } from '../../chain/history/with-rpc-retry.js';

/**
 * What both fetches take besides what they fetch.
 */
export type FetchParameters = {
  client: PublicClient;
  /** The CSV to write, or to resume when an earlier run left it unfinished. */
  out: string;
  /** How the RPC is named in the meta file: its host, never a key. */
  rpcLabel: string;
  /** The tool and version, e.g. "mandate 0.1.0". */
  tool: string;
  /** The largest eth_getLogs range asked for, in blocks (see getLogsInChunks). */
  maxRange?: bigint | undefined;
  /** Retries and the counters they update. */
  retry?: RpcRetryOptions | undefined;
  /** Called after each block range is written. */
  onProgress?: ((progress: FetchProgressEvent) => void) | undefined;
};

export type FetchProgressEvent = { fromBlock: bigint; toBlock: bigint; scannedTo: bigint; newRows: number };

/** What both fetches report. */
export type FetchSummary = {
  file: string;
  metaFile: string;
  chainId: number;
  /** Rows in the file now. */
  rows: number;
  /** Rows this run added. */
  newRows: number;
  /** The file held an earlier run's rows, and this run continued after them. */
  resumed: boolean;
  /** Bytes of a torn last line cut off before resuming. */
  truncatedBytes: number;
  /** The range fetched, and the block this run started scanning at. */
  fromBlock: bigint;
  toBlock: bigint;
  scannedFrom: bigint;
};

/**
 * Where a fetched file's description goes.
 *
 * @example
 * fetchMetaPath('rounds.csv'); // 'rounds.csv.meta.json'
 */
export const fetchMetaPath = (out: string) => `${out}.meta.json`;

/**
 * The meta file an earlier fetch wrote for `out`, if any (a rerun extending the file keeps its start).
 *
 * @example
 * const before = readFetchMeta('rounds.csv');
 */
export function readFetchMeta(out: string): Record<string, unknown> | undefined {
  const path = fetchMetaPath(out);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Writes `<out>.meta.json` (bigints as decimal strings) atomically.
 *
 * @example
 * writeFetchMeta('rounds.csv', { kind: 'chainlink-rounds', rows: 11105 });
 */
export function writeFetchMeta(out: string, meta: Record<string, unknown>): string {
  const path = fetchMetaPath(out);
  const text = JSON.stringify(meta, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2);
  writeFileSync(`${path}.tmp`, `${text}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}

/** "2024-01-05T00:00:23Z" for unix seconds. */
export const isoSeconds = (seconds: bigint | number) => new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z');
