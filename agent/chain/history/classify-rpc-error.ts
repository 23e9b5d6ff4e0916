import { BaseError, ContractFunctionRevertedError, ContractFunctionZeroDataError, HttpRequestError, TimeoutError } from 'viem';
import { retryAfterMs } from '../../model/retry-after.js';

/**
 * What a failed RPC call means for a history fetch:
 * - `rate-limited`: the provider asked us to slow down (HTTP 429, or a JSON-RPC rate-limit error); wait
 *   `retryAfterMs` when it said how long, else back off, then ask again.
 * - `transient`: the connection dropped, timed out or the server failed (5xx); back off and ask again.
 * - `range`: an `eth_getLogs` range the provider will not serve ("block range too large", "query returned
 *   more than 10000 results", "limit exceeded"...); ask for a smaller range.
 * - `revert`: the contract answered with a revert or with nothing (a function it does not have).
 * - `fatal`: anything else (bad parameters, unknown method); asking again cannot help.
 */
export type RpcErrorKind =
  | { kind: 'rate-limited'; retryAfterMs: number | undefined }
  | { kind: 'transient' }
  | { kind: 'range' }
  | { kind: 'revert' }
  | { kind: 'fatal' };

// Providers word these differently: Infura "query returned more than 10000 results", Alchemy "Log
// response size exceeded", QuickNode "eth_getLogs is limited to a 10,000 range", Ankr "block range is too
// wide", Cloudflare "Block range too large", Erigon "query exceeds max results", and -32005 "limit exceeded".
const rangeWording = /range|too many results|more than \d[\d,]* results|too large|too wide|response size|exceeds? max|limit exceeded|query timeout/i;
const rateLimitWording = /rate limit|too many requests|request limit|exceeded .*(rate|capacity|throughput|credits)|capacity exceeded/i;

/**
 * Classifies an error thrown by a viem call. Walks viem's cause chain, so a wrapped error (a contract call
 * failing because its HTTP request failed) is classified by its root.
 *
 * @example
 * classifyRpcError(error); // { kind: 'rate-limited', retryAfterMs: 2000 }
 */
export function classifyRpcError(error: unknown, nowMs: number = Date.now()): RpcErrorKind {
  if (!(error instanceof BaseError)) return isNetworkFailure(error) ? { kind: 'transient' } : { kind: 'fatal' };
  if (error.walk((cause) => cause instanceof ContractFunctionRevertedError || cause instanceof ContractFunctionZeroDataError) !== null) {
    return { kind: 'revert' };
  }
  // viem's HttpRequestError (a non-JSON answer) and RpcRequestError (a JSON error) both carry the HTTP status and headers.
  const http = error.walk((cause) => typeof (cause as { status?: unknown }).status === 'number') as { status: number; headers?: Headers } | null;
  const status = http?.status;
  const retryAfter = () => retryAfterMs(http?.headers?.get('retry-after'), nowMs);
  const code = (error.walk((cause) => typeof (cause as { code?: unknown }).code === 'number') as { code?: number } | null)?.code;
  const text = messages(error);
  if (status === 429 || code === 429 || code === -32007 || rateLimitWording.test(text)) return { kind: 'rate-limited', retryAfterMs: retryAfter() };
  if (code === -32005 || rangeWording.test(text)) return { kind: 'range' };
  if (error.walk((cause) => cause instanceof TimeoutError) !== null) return { kind: 'transient' };
  if (status !== undefined && (status === 408 || status >= 500)) return { kind: 'transient' };
  if (status === undefined && error.walk((cause) => cause instanceof HttpRequestError) !== null) return { kind: 'transient' };
  if (isNetworkFailure(error.walk())) return { kind: 'transient' };
  return { kind: 'fatal' };
}

/** Every message along the cause chain (viem puts the provider's words in `details`). */
function messages(error: BaseError): string {
  const parts: string[] = [];
  error.walk((cause) => {
    if (cause instanceof BaseError) parts.push(cause.shortMessage, cause.details);
    else if (cause instanceof Error) parts.push(cause.message);
    return false;
  });
  return parts.join(' | ');
}

function isNetworkFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_SOCKET|UND_ERR_CLOSED)/.test(code)) return true;
  return error instanceof Error && /fetch failed|socket|other side closed|network/i.test(error.message);
}
