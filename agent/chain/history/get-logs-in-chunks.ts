import { MandateError } from '../../model/base-error.js';
import { type RpcRetryOptions, RpcRangeError, withRpcRetry } from './with-rpc-retry.js';

/** The provider refuses even a one-block eth_getLogs range (more logs in one block than it returns). */
export class LogRangeError extends MandateError {
  override name = 'LogRangeError';
}

export type BlockRange = { fromBlock: bigint; toBlock: bigint };

/** The logs of one range, in the order the node returned them (block, then log index). */
export type LogChunk<T> = BlockRange & { logs: T[] };

export type GetLogsInChunksParameters<T> = BlockRange & {
  /** One eth_getLogs call (or several, each retried) over an inclusive range. */
  getLogs: (range: BlockRange) => Promise<T[]>;
  /** The first range asked for, in blocks. Default 2,000. */
  initialRange?: bigint | undefined;
  /** The largest range asked for, in blocks. Default 100,000. */
  maxRange?: bigint | undefined;
  retry?: RpcRetryOptions | undefined;
};

/** After this many successes in a row, a refused size is forgotten: log density changes along a chain. */
const FORGET_REFUSAL_AFTER = 16;

/**
 * Reads logs over [fromBlock, toBlock] in consecutive ranges, yielding each range's logs as soon as they
 * arrive, oldest range first. The range adapts to the provider: a refusal ("block range too large", "too
 * many results", "limit exceeded", "query timeout") halves it, success grows it again (doubling, then probing
 * between the largest size served and the smallest refused, so a fixed provider limit costs a few
 * refusals, not one per range). Dropped connections, 5xx and 429 are retried by withRpcRetry. Ranges
 * never overlap and never skip a block, so the concatenated logs are exactly the logs of the whole range.
 *
 * @example
 * for await (const { toBlock, logs } of getLogsInChunks({ fromBlock: 0n, toBlock: head, getLogs: (range) => client.getLogs({ address, ...range }) })) {
 *   console.log(toBlock, logs.length);
 * }
 */
export async function* getLogsInChunks<T>(parameters: GetLogsInChunksParameters<T>): AsyncGenerator<LogChunk<T>> {
  const maxRange = parameters.maxRange ?? 100_000n;
  if (maxRange < 1n) throw new LogRangeError('The largest eth_getLogs range must be at least one block.', { details: `Got ${maxRange}.` });
  const stats = parameters.retry?.stats;
  let size = min(parameters.initialRange ?? 2_000n, maxRange);
  let served: bigint | undefined; // the largest size served since the last refusal of a smaller one
  let refused: bigint | undefined; // the smallest size refused lately
  let streak = 0;
  let from = parameters.fromBlock;
  while (from <= parameters.toBlock) {
    const to = min(parameters.toBlock, from + size - 1n);
    const span = to - from + 1n;
    let logs: T[];
    try {
      logs = await withRpcRetry(`eth_getLogs over blocks ${from}–${to}`, () => parameters.getLogs({ fromBlock: from, toBlock: to }), parameters.retry);
    } catch (error) {
      if (!(error instanceof RpcRangeError)) throw error;
      if (stats) stats.rangeSplits++;
      if (span === 1n) {
        throw new LogRangeError(`The provider refuses eth_getLogs even for block ${from} alone.`, {
          details: `${error.details}. Use a provider without a result limit for this block.`,
          cause: error,
        });
      }
      refused = span;
      if (served !== undefined && served >= span) served = undefined;
      size = served ?? max(1n, span / 2n);
      streak = 0;
      continue;
    }
    yield { fromBlock: from, toBlock: to, logs };
    from = to + 1n;
    if (span === size) served = max(served ?? 0n, span);
    if (++streak >= FORGET_REFUSAL_AFTER) refused = undefined;
    if (refused === undefined) size = min(maxRange, size * 2n);
    else if (served !== undefined && refused - served > served / 8n) size = (served + refused) / 2n;
  }
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);
