import { MandateError } from '../model/base-error.js';

/**
 * Why an LLM answer was refused. Each code is the `reason` of the denied decision it becomes, so a journal
 * query can count them; `details` says what exactly was wrong.
 *
 * @example
 * journal.decisions.list({ status: 'denied' }).filter((d) => d.content.verdict.allowed === false && d.content.verdict.reason === llmOutputReasons.exceedsCap);
 */
export const llmOutputReasons = {
  malformed: 'LlmMalformedOutput',
  schema: 'LlmSchemaViolation',
  tokenNotAllowed: 'LlmTokenNotAllowed',
  poolNotAllowed: 'LlmPoolNotAllowed',
  invalidAmount: 'LlmInvalidAmount',
  insufficientBalance: 'LlmInsufficientBalance',
  noPrice: 'LlmNoOraclePrice',
  exceedsCap: 'LlmTradeValueExceedsCap',
  slippage: 'LlmSlippageTooHigh',
} as const;
export type LlmOutputReason = (typeof llmOutputReasons)[keyof typeof llmOutputReasons];

/**
 * The model answered, but the answer cannot be traded: unparsable, off-schema, or outside the mandate
 * (token off the allow-list, amount over the cap or the balance, slippage over the policy). The LLM
 * reasoner turns it into a denied decision that records `rawOutput` and the reason; it is never a trade.
 *
 * @example
 * const error = new LlmOutputError('LlmTokenNotAllowed', 'tokenOut 0xbad… is not on the allow-list', raw);
 * error.reason; // 'LlmTokenNotAllowed'
 */
export class LlmOutputError extends MandateError {
  override name = 'LlmOutputError';
  /** One of {@link llmOutputReasons}. */
  readonly reason: LlmOutputReason;
  /** Exactly what the model returned. */
  readonly rawOutput: string;
  constructor(reason: LlmOutputReason, details: string, rawOutput: string) {
    super(`The model's answer was refused (${reason}).`, { details });
    this.reason = reason;
    this.rawOutput = rawOutput;
  }
}

/**
 * The LLM budget (calls or tokens, per run or per day) is spent. With `fallbackToRules` the rules
 * reasoner decides instead; without it the decision fails with this error.
 *
 * @example
 * throw new LlmBudgetExceededError('callsPerDay', 2000, 2000);
 */
export class LlmBudgetExceededError extends MandateError {
  override name = 'LlmBudgetExceededError';
  readonly limit: string;
  constructor(limit: string, used: number, max: number) {
    super(`The LLM budget ${limit} is spent.`, {
      details: `Used ${used} of ${max}; raise reasoner.llm.budget.${limit} or wait for the next run/day.`,
    });
    this.limit = limit;
  }
}

/**
 * The model endpoint did not answer usefully after the retries (down, timing out, 429/5xx, or refusing the
 * request). With `fallbackToRules` the rules reasoner decides instead.
 *
 * @example
 * throw new LlmUnavailableError(3, cause);
 */
export class LlmUnavailableError extends MandateError {
  override name = 'LlmUnavailableError';
  readonly attempts: number;
  constructor(attempts: number, cause: unknown) {
    super(`The model endpoint failed after ${attempts} attempt${attempts === 1 ? '' : 's'}.`, { cause });
    this.attempts = attempts;
  }
}

/**
 * Replay mode found no recorded response for a prompt: the run cannot stay deterministic and offline.
 *
 * @example
 * throw new ReasonerCacheMissError('0xabc…', '.mandate/llm-cache.sqlite');
 */
export class ReasonerCacheMissError extends MandateError {
  override name = 'ReasonerCacheMissError';
  /** The cache key: keccak256 of the canonical JSON of (model, promptVersion, messages). */
  readonly key: string;
  constructor(key: string, path: string) {
    super(`No recorded LLM response for key ${key} in ${path}.`, {
      details:
        'Replay answers only from the cache. Record it first by running the same command with ' +
        '`--reasoner-cache record` (or reasoner.llm.cache: "record"); the key changes with the model, the prompt version and the inputs.',
    });
    this.key = key;
  }
}

/**
 * The response cache file cannot be opened (replay of a file that does not exist, not a database...).
 *
 * @example
 * throw new ResponseCacheOpenError('.mandate/llm-cache.sqlite', 'the file does not exist', cause);
 */
export class ResponseCacheOpenError extends MandateError {
  override name = 'ResponseCacheOpenError';
  constructor(path: string, details: string, cause?: unknown) {
    super(`Cannot open the LLM response cache at ${path}.`, { details, cause });
  }
}

/**
 * The LLM reasoner was given options it cannot run with.
 *
 * @example
 * throw new LlmReasonerConfigError('timeoutMs', '-1', 'a positive number of milliseconds is accepted');
 */
export class LlmReasonerConfigError extends MandateError {
  override name = 'LlmReasonerConfigError';
  readonly key: string;
  constructor(key: string, got: string, accepted: string) {
    super(`Invalid LLM reasoner option "${key}".`, { details: `Got ${got}; ${accepted}.` });
    this.key = key;
  }
}
