import type { Clock } from '../model/clock.js';
import { retryAfterMs } from '../model/retry-after.js';
import { retryAfterHeader } from './retry-after.js';

export type RetryPolicy = {
  /** Retries after the first attempt (0 = one attempt only). */
  maxRetries: number;
  /** The first backoff; each retry doubles it. */
  baseDelayMs: number;
  /** No backoff is longer than this. */
  maxDelayMs: number;
  /**
   * The longest `Retry-After` honoured. A server that asks for more is treated as down for this decision
   * (the rules fallback decides) rather than stalling the agent.
   */
  maxRetryAfterMs: number;
};

export type CallWithRetryParameters<T> = {
  /** One attempt; `attempt` counts from 1. */
  call: (attempt: number) => Promise<T>;
  policy: RetryPolicy;
  /** Reads "now" for Retry-After HTTP dates. */
  clock: Clock;
  /** Waits; injectable so tests do not sleep. Default: setTimeout. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Asked before each retry; returning a string stops retrying with that reason (e.g. the budget is spent). */
  beforeRetry?: ((attempt: number) => string | undefined) | undefined;
  /** Told about each failed attempt and the wait before the next, for logs and tests. */
  onRetry?: ((info: { attempt: number; error: unknown; delayMs: number; retryAfter: boolean }) => void) | undefined;
};

export type CallWithRetryReturnType<T> =
  | { ok: true; value: T; attempts: number }
  | { ok: false; error: unknown; attempts: number; stoppedBecause?: string | undefined };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `call` until it succeeds, an error is not worth retrying, or the retries are spent. A 429 or 5xx
 * waits for the server's `Retry-After` when it sends one (seconds or HTTP date), otherwise for an exponential
 * backoff (base, 2×base, 4×base..., capped); timeouts and connection failures back off the same way. Other
 * errors (400, 401, 404...) are returned at once: repeating them only costs money. Never throws.
 *
 * Written here rather than left to the SDK (whose retries are turned off) so the waits are exact, testable
 * and visible in the decision record.
 *
 * @example
 * const result = await callWithRetry({ call: () => model.invoke(messages), policy, clock });
 * if (!result.ok) fallBack(result.error);
 */
export async function callWithRetry<T>(parameters: CallWithRetryParameters<T>): Promise<CallWithRetryReturnType<T>> {
  const { call, policy, clock } = parameters;
  const sleep = parameters.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await call(attempt), attempts: attempt };
    } catch (error) {
      if (!isRetryable(error) || attempt > policy.maxRetries) return { ok: false, error, attempts: attempt };
      const stop = parameters.beforeRetry?.(attempt);
      if (stop !== undefined) return { ok: false, error, attempts: attempt, stoppedBecause: stop };
      const asked = retryAfterMs(retryAfterHeader(error), clock.now());
      if (asked !== undefined && asked > policy.maxRetryAfterMs) {
        return { ok: false, error, attempts: attempt, stoppedBecause: `Retry-After ${asked} ms exceeds the ${policy.maxRetryAfterMs} ms honoured` };
      }
      const delayMs = asked ?? Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      parameters.onRetry?.({ attempt, error, delayMs, retryAfter: asked !== undefined });
      await sleep(delayMs);
    }
  }
}

/**
 * Worth another attempt: 408/409/429/5xx, a timeout, or no HTTP answer at all (connection refused or reset).
 * Errors come from the OpenAI SDK as langchain passes them on (timeouts renamed TimeoutError).
 *
 * @example
 * isRetryable(Object.assign(new Error('rate limited'), { status: 429 })); // true
 */
export function isRetryable(error: unknown): boolean {
  const status = httpStatus(error);
  if (status !== undefined) return status === 408 || status === 409 || status === 429 || status >= 500;
  // No status: retry only when the request never got an HTTP answer (a timeout, a refused or reset
  // connection); anything else (a bad key format, a client-side bug) would fail the same way again.
  if (!(error instanceof Error)) return false;
  return error.name === 'TimeoutError' || error.constructor.name.startsWith('APIConnection');
}

/**
 * The HTTP status an OpenAI SDK error carries, if any.
 *
 * @example
 * httpStatus(error); // 429
 */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}
