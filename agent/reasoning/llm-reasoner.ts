import type { AIMessage } from '@langchain/core/messages';
import { keccak256, toBytes } from 'viem';
import { canonicalJson } from '../model/canonical-json.js';
import type { Clock } from '../model/clock.js';
import type { Reasoner, ReasonerInput, ReasonerOutput } from '../model/ports.js';
import type { ReasoningRecord } from '../model/decision.js';
import type { Hex } from '../model/address.js';
import { callWithRetry, httpStatus, type RetryPolicy } from './call-with-retry.js';
import { createLlmBudget, type LlmBudget, type LlmBudgetLimits } from './llm-budget.js';
import { LlmBudgetExceededError, LlmReasonerConfigError, LlmUnavailableError, ReasonerCacheMissError } from './llm-errors.js';
import { llmDecisionSchema } from './llm-output-schema.js';
import { buildLlmPrompt, PROMPT_VERSION, type ChatMessage } from './prompt.js';
import type { ReasonerMarket, ReasonerPolicy } from './reasoner-market.js';
import { responseCacheKey, type CachedResponse, type ResponseCache } from './response-cache.js';
import { validateLlmOutput } from './validate-llm-output.js';

/** A pino-compatible logger (object first, message second). */
export type LlmReasonerLogger = {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
};

export type CreateLlmReasonerParameters = {
  /** Any model the endpoint serves (reasoner.llm.model). */
  model: string;
  /** reasoner.llm.temperature; default 0 (the most repeatable). */
  temperature?: number | undefined;
  /** OPENAI_API_KEY. A local server that needs none may leave it unset when `baseURL` is set. */
  apiKey?: string | undefined;
  /** OPENAI_BASE_URL, e.g. http://localhost:11434/v1 for Ollama; unset means OpenAI. */
  baseURL?: string | undefined;
  /** Per HTTP request (reasoner.llm.timeoutMs). */
  timeoutMs: number;
  /** Retries on 429/5xx/timeouts (reasoner.llm.maxRetries) and the backoff; defaults: 500 ms doubling to 8 s, Retry-After up to 60 s. */
  retry: Pick<RetryPolicy, 'maxRetries'> & Partial<RetryPolicy>;
  /** Limits (reasoner.llm.budget), or a budget shared with other reasoners. */
  budget: LlmBudgetLimits | LlmBudget;
  market: ReasonerMarket;
  policy: ReasonerPolicy;
  /** The owner's goal in plain words; default {@link defaultMandate}. */
  mandate?: string | undefined;
  /** The record/replay cache; undefined is the same as mode `off`. */
  cache?: ResponseCache | undefined;
  /**
   * Decides when the model cannot (endpoint down after the retries, budget spent): the rules reasoner.
   * Without it those cases throw (LlmUnavailableError, LlmBudgetExceededError) and the kernel records a
   * failed decision.
   */
  fallback?: Reasoner | undefined;
  /** The agent's clock (Retry-After dates are read against it). */
  clock: Clock;
  /** The clock whose UTC days the daily budget counts; default `clock`. Live, pass the wall clock. */
  budgetClock?: Clock | undefined;
  /**
   * After `failures` decisions in a row found the endpoint down (retries spent), stop asking it for
   * `coolOffMs` of agent-clock time: the rules decide at once instead of each decision waiting out the
   * timeouts again. Default 3 decisions, 60 s.
   */
  breaker?: { failures: number; coolOffMs: number } | undefined;
  /** Waits between retries; injectable so tests do not sleep. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  log?: LlmReasonerLogger | undefined;
};

/** What the LLM reasoner did so far in this run (backtest metrics: "LLM calls"). */
export type LlmReasonerStats = {
  /** Decisions asked of the reasoner. */
  decisions: number;
  /** HTTP requests sent (retries included). */
  requests: number;
  cacheHits: number;
  /** Replay misses (each one failed its decision with ReasonerCacheMissError). */
  cacheMisses: number;
  fallbacks: number;
  /** Answers refused by validation (denied decisions). */
  rejections: number;
  /** Tokens of the answers used, replayed ones included (what the run would cost uncached). */
  tokens: { prompt: number; completion: number };
};

export type LlmReasoner = Reasoner & {
  readonly name: 'llm';
  stats(): LlmReasonerStats;
};

const defaultRetry = { baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };
const noopLogger: LlmReasonerLogger = { info: () => undefined, warn: () => undefined };

/**
 * The LLM reasoner: asks a chat model (langchain `ChatOpenAI`, any OpenAI-compatible endpoint) to turn a
 * signal into a trade or a hold, with the mandate, the live limits, the signal, a market summary and the
 * portfolio in the prompt (see prompt.ts), and checks every answer against the allow-lists, the policy
 * and the balances (validate-llm-output.ts). A refused answer is a denial recording the raw output and the
 * reason, never a trade.
 *
 * Structured output uses JSON mode (`response_format: {type: "json_object"}`), the variant nearly every
 * OpenAI-compatible server implements (OpenAI, Azure, Ollama, vLLM, llama.cpp, DeepSeek, Mistral, Groq...);
 * the schema is spelled out in the prompt and enforced by the zod schema after the call, which is where it
 * has to be enforced anyway since no server-side mode can know the balances or the cap.
 *
 * Each request has a timeout; 429/5xx/timeouts are retried with exponential backoff honouring Retry-After;
 * every request and token is counted against the per-run and per-day budget, and when the budget is spent
 * or the endpoint stays down the `fallback` (rules) decides, with the reason in `reasoning.fallback`.
 * Responses are cached by keccak256(canonical JSON of model, prompt version, messages) when a cache is given.
 *
 * @example
 * const reasoner = createLlmReasoner({
 *   model: 'gpt-4o-mini', apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.OPENAI_BASE_URL,
 *   timeoutMs: 30_000, retry: { maxRetries: 2 }, budget: config.reasoner.llm.budget,
 *   market, policy: { maxTradeUsd: '2500', maxSlippageBps: 100 }, fallback: rules, clock: systemClock,
 * });
 * const { proposal, reasoning, rejection } = await reasoner.propose({ signal, market: snapshot, balances });
 */
export function createLlmReasoner(parameters: CreateLlmReasonerParameters): LlmReasoner {
  validateParameters(parameters);
  const { model, market, policy, cache, fallback, clock } = parameters;
  const log = parameters.log ?? noopLogger;
  const retry: RetryPolicy = { ...defaultRetry, ...parameters.retry };
  const budget: LlmBudget =
    'exceeded' in parameters.budget
      ? parameters.budget
      : createLlmBudget({ limits: parameters.budget, clock: parameters.budgetClock ?? clock, store: cache?.usage });
  const stats: LlmReasonerStats = { decisions: 0, requests: 0, cacheHits: 0, cacheMisses: 0, fallbacks: 0, rejections: 0, tokens: { prompt: 0, completion: 0 } };

  // Built on first use: a replay never needs a client (nor a key).
  let structured: Awaited<ReturnType<typeof buildStructuredModel>> | undefined;
  const breaker = parameters.breaker ?? { failures: 3, coolOffMs: 60_000 };
  let failuresInARow = 0;
  let openUntil = Number.NEGATIVE_INFINITY;

  return {
    name: 'llm',
    stats: () => ({ ...stats, tokens: { ...stats.tokens } }),
    async propose(input: ReasonerInput): Promise<ReasonerOutput> {
      stats.decisions += 1;
      const { messages } = buildLlmPrompt({ input, market, policy, mandate: parameters.mandate });
      const inputsDigest = keccak256(toBytes(canonicalJson(messages)));
      const key = responseCacheKey({ model, promptVersion: PROMPT_VERSION, messages });

      const cached = cache !== undefined && cache.mode !== 'off' ? cache.get(key) : undefined;
      if (cache?.mode === 'replay') {
        if (cached === undefined) {
          stats.cacheMisses += 1;
          log.warn({ model, key, cache: cache.path }, 'Replay miss: no recorded LLM response for this prompt');
          throw new ReasonerCacheMissError(key, cache.path);
        }
        stats.cacheHits += 1;
        return cached.fallback !== undefined ? fallBack(input, cached.fallback, cached.latencyMs, 0, true) : answer(input, inputsDigest, cached, 0, true);
      }
      // Recording reuses a recorded answer, but asks again where the recording had fallen back.
      if (cached !== undefined && cached.fallback === undefined) {
        stats.cacheHits += 1;
        return answer(input, inputsDigest, cached, 0, true);
      }

      const spent = budget.exceeded();
      if (spent !== undefined) return unavailable(input, key, messages, spent, 0, 0);
      if (clock.now() < openUntil) {
        const until = new Date(openUntil).toISOString();
        const resting = new Error(`the endpoint failed ${breaker.failures} decisions in a row; not asked again before ${until}`);
        return unavailable(input, key, messages, new LlmUnavailableError(0, resting), 0, 0);
      }

      const started = performance.now();
      const result = await callWithRetry({
        policy: retry,
        clock,
        sleep: parameters.sleep,
        call: async () => {
          const chat = (structured ??= await buildStructuredModel(parameters));
          budget.spendCall();
          stats.requests += 1;
          // The client's timeout stops waiting for the response headers; this deadline also covers a body
          // that starts and then stalls, and aborts the request.
          const deadline = AbortSignal.timeout(parameters.timeoutMs);
          try {
            return await chat.model.invoke(
              messages.map((m) => (m.role === 'system' ? new chat.SystemMessage(m.content) : new chat.HumanMessage(m.content))),
              { signal: deadline },
            );
          } catch (error) {
            if (!deadline.aborted) throw error;
            throw Object.assign(new Error(`Request timed out after ${parameters.timeoutMs} ms.`, { cause: error }), { name: 'TimeoutError' });
          }
        },
        beforeRetry: () => budget.exceeded()?.shortMessage,
        onRetry: ({ attempt, error, delayMs, retryAfter }) =>
          log.warn({ model, attempt, status: httpStatus(error), delayMs, retryAfter, error: describe(error) }, 'LLM request failed; retrying'),
      });
      const latencyMs = performance.now() - started;
      failuresInARow = result.ok ? 0 : failuresInARow + 1;
      if (failuresInARow >= breaker.failures) {
        failuresInARow = 0;
        openUntil = clock.now() + breaker.coolOffMs;
        log.warn({ model, until: new Date(openUntil).toISOString() }, 'LLM endpoint keeps failing; the rules reasoner decides until the cool-off ends');
      }
      if (!result.ok) {
        const error = new LlmUnavailableError(result.attempts, result.error);
        const why = result.stoppedBecause === undefined ? error : new LlmUnavailableError(result.attempts, new Error(`${describe(result.error)}; stopped retrying: ${result.stoppedBecause}`));
        return unavailable(input, key, messages, why, latencyMs, result.attempts);
      }

      const raw = result.value.raw as AIMessage;
      const usage = raw.usage_metadata;
      const tokens = usage === undefined ? undefined : { prompt: usage.input_tokens, completion: usage.output_tokens };
      if (tokens !== undefined) budget.spendTokens(tokens.prompt + tokens.completion);
      const response: Omit<CachedResponse, 'recordedAt'> = { content: messageText(raw), fallback: undefined, tokens, latencyMs };
      if (cache?.mode === 'record') cache.put(key, { model, promptVersion: PROMPT_VERSION, messages }, response);
      return answer(input, inputsDigest, response, result.attempts, false);
    },
  };

  /** Validates a model answer (live or cached) into the reasoner's output. */
  function answer(input: ReasonerInput, inputsDigest: Hex, response: Omit<CachedResponse, 'recordedAt'>, attempts: number, fromCache: boolean): ReasonerOutput {
    if (response.tokens !== undefined) {
      stats.tokens.prompt += response.tokens.prompt;
      stats.tokens.completion += response.tokens.completion;
    }
    const reasoning: ReasoningRecord = {
      reasoner: 'llm',
      model,
      promptVersion: PROMPT_VERSION,
      inputsDigest,
      rawOutput: response.content,
      tokens: response.tokens,
      latencyMs: response.latencyMs,
      attempts,
      cached: fromCache,
    };
    const validation = validateLlmOutput({ rawOutput: response.content, market, policy, snapshot: input.market, balances: input.balances });
    if (validation.ok) return { proposal: validation.proposal, reasoning };
    stats.rejections += 1;
    const { error } = validation;
    log.warn({ model, reason: error.reason, details: error.details }, 'LLM answer refused');
    return {
      proposal: { action: 'hold', rationale: `the model's answer was refused (${error.reason}): ${error.details ?? ''}` },
      reasoning,
      rejection: { reason: error.reason, details: error.details },
    };
  }

  /** The model cannot decide (budget spent, endpoint down): the fallback does, or the decision fails. */
  async function unavailable(
    input: ReasonerInput,
    key: Hex,
    messages: ChatMessage[],
    error: LlmBudgetExceededError | LlmUnavailableError,
    latencyMs: number,
    attempts: number,
  ): Promise<ReasonerOutput> {
    const reason = `${error.name}: ${describe(error)}`;
    log.warn({ model, reason }, fallback === undefined ? 'LLM unavailable; no fallback configured' : 'LLM unavailable; the rules reasoner decides');
    if (fallback === undefined) throw error;
    // Recorded so that a replay falls back at the same decision instead of missing.
    if (cache?.mode === 'record') cache.put(key, { model, promptVersion: PROMPT_VERSION, messages }, { content: '', fallback: reason, tokens: undefined, latencyMs });
    return fallBack(input, reason, latencyMs, attempts, false);
  }

  async function fallBack(input: ReasonerInput, reason: string, latencyMs: number, attempts: number, fromCache: boolean): Promise<ReasonerOutput> {
    if (fallback === undefined) throw new LlmUnavailableError(attempts, new Error(reason));
    stats.fallbacks += 1;
    const output = await fallback.propose(input);
    return { ...output, reasoning: { ...output.reasoning, fallback: reason, latencyMs, attempts, cached: fromCache } };
  }
}

/**
 * ChatOpenAI in JSON mode with the raw message kept (its text is what is cached, hashed and validated).
 * langchain is loaded on the first request only: a run whose reasoner never asks the model (rules, a
 * replayed cache) does not pay for loading it.
 */
async function buildStructuredModel(parameters: CreateLlmReasonerParameters) {
  const [{ ChatOpenAI }, { HumanMessage, SystemMessage }] = await Promise.all([import('@langchain/openai'), import('@langchain/core/messages')]);
  const chat = new ChatOpenAI({
    model: parameters.model,
    // OpenAI's reasoning models (o1, o3, gpt-5...) refuse any temperature but their default.
    temperature: isReasoningModel(parameters.model) ? undefined : (parameters.temperature ?? 0),
    // A local server may need no key, but the client insists on one.
    apiKey: parameters.apiKey ?? (parameters.baseURL !== undefined ? 'not-needed' : undefined),
    configuration: parameters.baseURL === undefined ? {} : { baseURL: parameters.baseURL },
    timeout: parameters.timeoutMs,
    // Retries are ours (callWithRetry): exact, Retry-After aware, counted against the budget.
    maxRetries: 0,
  });
  const model = chat.withStructuredOutput(llmDecisionSchema, { method: 'jsonMode', includeRaw: true, name: 'trade_decision' });
  return { model, HumanMessage, SystemMessage };
}

/**
 * OpenAI's reasoning models, which accept no temperature.
 *
 * @example
 * isReasoningModel('o3-mini'); // true
 */
export function isReasoningModel(model: string): boolean {
  return /^o\d/.test(model) || (model.startsWith('gpt-5') && !model.startsWith('gpt-5-chat'));
}

function messageText(message: AIMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  return content.map((part) => (typeof part === 'string' ? part : part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const short = (error as { shortMessage?: unknown }).shortMessage;
    const details = (error as { details?: unknown }).details;
    const head = typeof short === 'string' ? short : error.message;
    return typeof details === 'string' && details.length > 0 && !head.includes(details) ? `${head} ${details}` : head;
  }
  return String(error);
}

function validateParameters(parameters: CreateLlmReasonerParameters): void {
  if (typeof parameters.model !== 'string' || parameters.model.length === 0) {
    throw new LlmReasonerConfigError('model', JSON.stringify(parameters.model), 'a model name is accepted');
  }
  if (!(Number.isFinite(parameters.timeoutMs) && parameters.timeoutMs > 0)) {
    throw new LlmReasonerConfigError('timeoutMs', String(parameters.timeoutMs), 'a positive number of milliseconds is accepted');
  }
  const retries = parameters.retry.maxRetries;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new LlmReasonerConfigError('retry.maxRetries', String(retries), 'a non-negative integer is accepted');
  }
  const slippage = parameters.policy.maxSlippageBps;
  if (!Number.isInteger(slippage) || slippage < 0 || slippage > 10_000) {
    throw new LlmReasonerConfigError('policy.maxSlippageBps', String(slippage), 'an integer from 0 to 10000 is accepted');
  }
  if (!/^\d+(\.\d+)?$/.test(parameters.policy.maxTradeUsd)) {
    throw new LlmReasonerConfigError('policy.maxTradeUsd', JSON.stringify(parameters.policy.maxTradeUsd), 'a decimal string such as "2500" is accepted');
  }
}
