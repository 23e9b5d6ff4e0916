import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { MandateError } from '../../model/base-error.js';

/** The output file was started by a fetch of something else (another feed, pool, chain or range). */
export class FetchResumeError extends MandateError {
  override name = 'FetchResumeError';
}

/**
 * What a fetch in progress records beside its output (`<out>.progress.json`), rewritten after each range
 * it completes: what it is fetching (so a rerun resumes only the same fetch) and how far it got.
 */
export type FetchProgress = {
  version: 1;
  kind: 'chainlink-rounds' | 'uniswap-v3-events';
  chainId: number;
  /** The feed or pool. */
  address: string;
  /** The range as asked for ("from=2024-01-01T00:00:00Z to=head"): a rerun must ask the same. */
  request: string;
  /** The range that request resolved to when the fetch started (a rerun keeps it, whatever the head is now). */
  fromBlock: bigint;
  toBlock: bigint;
  /** Every block up to this one is in the file. */
  scannedTo: bigint;
  /** Whatever else the fetch needs to continue exactly as if never stopped (the pool's state, say). */
  carry?: Record<string, string | number | null> | undefined;
};

/**
 * Where the progress of a fetch writing `out` is kept.
 *
 * @example
 * fetchProgressPath('rounds.csv'); // 'rounds.csv.progress.json'
 */
export const fetchProgressPath = (out: string) => `${out}.progress.json`;

/**
 * The progress an interrupted fetch left for `out`, or undefined.
 *
 * @example
 * const progress = readFetchProgress('rounds.csv');
 */
export function readFetchProgress(out: string): FetchProgress | undefined {
  const path = fetchProgressPath(out);
  if (!existsSync(path)) return undefined;
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    return { ...(json as unknown as FetchProgress), fromBlock: BigInt(json.fromBlock as string), toBlock: BigInt(json.toBlock as string), scannedTo: BigInt(json.scannedTo as string) };
  } catch (error) {
    throw new FetchResumeError(`Cannot read ${path}.`, { details: 'It records how far an earlier fetch got; delete it (and the output) to start over.', cause: error });
  }
}

/**
 * Records progress atomically (a temporary file renamed over the old one), so a kill never leaves half a file.
 *
 * @example
 * writeFetchProgress('rounds.csv', { ...progress, scannedTo: chunk.toBlock });
 */
export function writeFetchProgress(out: string, progress: FetchProgress): void {
  const path = fetchProgressPath(out);
  const text = JSON.stringify(progress, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2);
  writeFileSync(`${path}.tmp`, `${text}\n`);
  renameSync(`${path}.tmp`, path);
}

/**
 * Removes the progress file once the fetch is complete.
 *
 * @example
 * clearFetchProgress('rounds.csv');
 */
export function clearFetchProgress(out: string): void {
  rmSync(fetchProgressPath(out), { force: true });
}

/**
 * Refuses to resume a file another fetch started: it must be the same kind, chain, address and request.
 *
 * @example
 * checkResumable('rounds.csv', progress, { kind: 'chainlink-rounds', chainId, address: feed, request: 'from=start to=head' });
 */
export function checkResumable(out: string, progress: FetchProgress, wanted: Pick<FetchProgress, 'kind' | 'chainId' | 'address' | 'request'>): void {
  const differs: string[] = [];
  if (progress.kind !== wanted.kind) differs.push(`kind ${progress.kind}, not ${wanted.kind}`);
  if (progress.chainId !== wanted.chainId) differs.push(`chain ${progress.chainId}, not ${wanted.chainId}`);
  if (progress.address !== wanted.address) differs.push(`address ${progress.address}, not ${wanted.address}`);
  if (progress.request !== wanted.request) differs.push(`${progress.request}, not ${wanted.request}`);
  if (differs.length > 0) {
    throw new FetchResumeError(`${out} is the unfinished output of another fetch.`, {
      details: `That fetch was for ${differs.join('; ')}. Rerun it as it was to finish it, give another --out, or delete ${out} and ${fetchProgressPath(out)}.`,
    });
  }
}
