import { BaseError } from 'viem';
import { type BackoffOptions, backoffDelay } from '../../model/backoff-delay.js';
import { MandateError } from '../../model/base-error.js';
import { classifyRpcError } from './classify-rpc-error.js';

/** An RPC call kept failing (dropped connections, 5xx, rate limits) after every retry. */
export class RpcUnavailableError extends MandateError {
  override name = 'RpcUnavailableError';
}

/** An RPC call failed in a way retrying cannot fix (bad parameters, a method the node does not serve). */
export class RpcCallError extends MandateError {
  override name = 'RpcCallError';
}

/** The provider refused an eth_getLogs range (too many blocks or results): ask for less. */
export class RpcRangeError extends MandateError {
  override name = 'RpcRangeError';
}

/** Counters a history fetch reports: how hard the provider made it. */
export type RpcCallStats = {
  /** Requests sent, retries included. */
  requests: number;
  /** Requests sent again after a transient failure or a rate limit. */
  retries: number;
  /** Of those, how many answered 429 or a rate-limit error. */
  rateLimited: number;
  /** eth_getLogs ranges the provider refused, each answered by asking for half. */
  rangeSplits: number;
};

/**
 * Zeroed counters.
 *
 * @example
 * const stats = createRpcCallStats();
 */
export function createRpcCallStats(): RpcCallStats {
  return { requests: 0, retries: 0, rateLimited: 0, rangeSplits: 0 };
}

export type RpcRetryOptions = {
  /** Retries after the first attempt. Default 10. */
  maxRetries?: number | undefined;
  /** Exponential backoff between attempts. Default from 250 ms, doubling, capped at 30 s. */
  backoff?: BackoffOptions | undefined;
  stats?: RpcCallStats | undefined;
  /** Waits; a test may make it instant. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
};

const defaultBackoff: BackoffOptions = { initialMs: 250, maxMs: 30_000 };
/** A Retry-After longer than this ends the fetch (it resumes when rerun) rather than hanging for hours. */
const maxRetryAfterMs = 600_000;
const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A viem error in words that never hold the RPC URL: viem's message lists the URL, and providers put API
 * keys in it; its short message and details do not.
 *
 * @example
 * describeRpcError(error); // 'HTTP request failed.: fetch failed'
 */
export function describeRpcError(error: unknown): string {
  if (error instanceof BaseError) return [error.shortMessage, error.details].filter(Boolean).join(': ');
  return error instanceof Error ? error.message : String(error);
}

/**
 * Calls `call`, and calls it again after transient failures (dropped connection, timeout, 5xx) with
 * exponential backoff, and after rate limits (HTTP 429) once the `Retry-After` the provider sent has
 * passed (or the backoff, when it sent none). A revert is the caller's to handle and is rethrown as it is;
 * a refused log range becomes an RpcRangeError, anything else an RpcCallError, and a call that never
 * succeeds an RpcUnavailableError, all naming `what` and never the URL.
 *
 * @example
 * const head = await withRpcRetry('eth_blockNumber', () => client.getBlockNumber(), { stats });
 */
export async function withRpcRetry<T>(what: string, call: () => Promise<T>, options: RpcRetryOptions = {}): Promise<T> {
  const maxRetries = options.maxRetries ?? 10;
  const sleep = options.sleep ?? sleepFor;
  for (let attempt = 0; ; attempt++) {
    if (options.stats) options.stats.requests++;
    try {
      return await call();
    } catch (error) {
      const classified = classifyRpcError(error);
      if (classified.kind === 'revert') throw error;
      if (classified.kind === 'range') throw new RpcRangeError(`${what}: the provider refuses the range.`, { details: describeRpcError(error), cause: error });
      if (classified.kind === 'fatal') throw new RpcCallError(`${what} failed.`, { details: describeRpcError(error), cause: error });
      if (attempt >= maxRetries) {
        throw new RpcUnavailableError(`${what} failed ${attempt + 1} times; giving up.`, {
          details: `Last error: ${describeRpcError(error)}. Rerun the same command to resume where it stopped.`,
          cause: error,
        });
      }
      if (options.stats) {
        options.stats.retries++;
        if (classified.kind === 'rate-limited') options.stats.rateLimited++;
      }
      const asked = classified.kind === 'rate-limited' ? classified.retryAfterMs : undefined;
      if (asked !== undefined && asked > maxRetryAfterMs) {
        throw new RpcUnavailableError(`${what}: the provider asks to wait ${Math.round(asked / 1000)} s.`, {
          details: 'That is longer than a fetch waits; rerun the same command later to resume where it stopped.',
          cause: error,
        });
      }
      await sleep(asked ?? backoffDelay(attempt + 1, options.backoff ?? defaultBackoff));
    }
  }
}
