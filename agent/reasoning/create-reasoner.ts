import { parseUnits } from 'viem';
import type { MandateConfig } from '../config/config-schema.js';
import { readSecrets, type ConfigSecrets } from '../config/read-secrets.js';
import { systemClock, type Clock } from '../model/clock.js';
import type { Reasoner } from '../model/ports.js';
import { createLlmReasoner, type LlmReasoner, type LlmReasonerLogger } from './llm-reasoner.js';
import type { ReasonerMarket, ReasonerPolicy } from './reasoner-market.js';
import { openResponseCache, type ResponseCache, type ResponseCacheMode } from './response-cache.js';
import { createRulesReasoner, type CreateRulesReasonerParameters } from './rules-reasoner.js';

export type CreateReasonerOptions = {
  /** `--reasoner`: overrides `reasoner.use`. */
  reasoner?: 'rules' | 'llm' | undefined;
  /** `--reasoner-cache`: overrides `reasoner.llm.cache`. */
  cacheMode?: ResponseCacheMode | undefined;
  /** The agent's clock (virtual in backtests). */
  clock: Clock;
  /** The clock whose UTC days the daily LLM budget counts; default the wall clock, since it bounds a real bill. */
  budgetClock?: Clock | undefined;
  /** The traded market, resolved by the caller (chain preset, devnet manifest or backtest data). */
  market: ReasonerMarket;
  /** OPENAI_API_KEY / OPENAI_BASE_URL; default read from process.env. */
  secrets?: Pick<ConfigSecrets, 'openaiApiKey' | 'openaiBaseUrl'> | undefined;
  /** Overrides for the rules reasoner (the default and the LLM's fallback). */
  rules?: Partial<Omit<CreateRulesReasonerParameters, 'market'>> | undefined;
  /** The owner's goal, in plain words, for the LLM prompt. */
  mandate?: string | undefined;
  /** Where the response cache lives; default `reasoner.llm.cachePath`. */
  cachePath?: string | undefined;
  log?: LlmReasonerLogger | undefined;
  /** Waits between LLM retries (tests). */
  sleep?: ((ms: number) => Promise<void>) | undefined;
};

export type CreateReasonerReturnType = {
  /** What the kernel calls. */
  reasoner: Reasoner;
  /** The LLM reasoner when `llm` was chosen (its stats() feed the backtest metrics). */
  llm: LlmReasoner | undefined;
  /** The open response cache when `llm` was chosen (it also keeps the daily budget's usage). */
  cache: ResponseCache | undefined;
  /** Which reasoner and cache mode are in effect, after the overrides. */
  kind: 'rules' | 'llm';
  cacheMode: ResponseCacheMode | undefined;
  /** Closes the cache file. */
  close(): void;
};

/**
 * Builds the reasoner a run uses from the config and the command-line overrides: `rules` (deterministic,
 * offline) or `llm` with the rules reasoner as its fallback (unless `reasoner.llm.fallbackToRules` is false),
 * the SQLite response cache in the chosen mode, and the budget from the config. The LLM is told, and held
 * to, the per-trade cap (the lower of `risk.maxTradeUsd` and `execution.maxTradeSizeUsd`) and the vault's
 * `risk.maxSlippageBps`; the rules reasoner sizes up to `execution.maxTradeSizeUsd` at `execution.slippageBps`.
 *
 * @example
 * const { reasoner, close } = createReasoner(config, { reasoner: opts.reasoner, cacheMode: opts.reasonerCache, clock, market });
 * const kernel = createKernel({ ..., reasoner });
 * try { await kernel.run(); } finally { close(); }
 */
export function createReasoner(
  config: Pick<MandateConfig, 'reasoner' | 'risk' | 'execution'>,
  options: CreateReasonerOptions,
): CreateReasonerReturnType {
  const kind = options.reasoner ?? config.reasoner.use;
  const rules = createRulesReasoner({
    market: options.market,
    maxTradeQuote: options.rules?.maxTradeQuote ?? config.execution.maxTradeSizeUsd,
    maxSlippageBps: options.rules?.maxSlippageBps ?? config.execution.slippageBps,
    promptVersion: options.rules?.promptVersion,
  });
  if (kind === 'rules') return { reasoner: rules, llm: undefined, cache: undefined, kind, cacheMode: undefined, close: () => undefined };

  const llmConfig = config.reasoner.llm;
  const cacheMode = options.cacheMode ?? llmConfig.cache;
  const secrets = options.secrets ?? readSecrets();
  const cache = openResponseCache({ path: options.cachePath ?? llmConfig.cachePath, mode: cacheMode, clock: options.clock });
  const llm = createLlmReasoner({
    model: llmConfig.model,
    temperature: llmConfig.temperature,
    apiKey: secrets.openaiApiKey,
    baseURL: secrets.openaiBaseUrl,
    timeoutMs: llmConfig.timeoutMs,
    retry: { maxRetries: llmConfig.maxRetries },
    budget: llmConfig.budget,
    budgetClock: options.budgetClock ?? systemClock,
    market: options.market,
    policy: reasonerPolicy(config),
    mandate: options.mandate,
    cache,
    fallback: llmConfig.fallbackToRules ? rules : undefined,
    clock: options.clock,
    sleep: options.sleep,
    log: options.log,
  });
  return { reasoner: llm, llm, cache, kind, cacheMode, close: () => cache.close() };
}

/**
 * The limits the LLM is told and held to: the lower of the vault's and the agent's per-trade caps, the
 * vault's slippage limit and cooldown.
 *
 * @example
 * reasonerPolicy(config); // { maxTradeUsd: '2500', maxSlippageBps: 100, cooldownSeconds: 300 }
 */
export function reasonerPolicy(config: Pick<MandateConfig, 'risk' | 'execution'>): ReasonerPolicy {
  const vaultCap = config.risk.maxTradeUsd;
  const agentCap = config.execution.maxTradeSizeUsd;
  return {
    maxTradeUsd: parseUnits(agentCap, 18) < parseUnits(vaultCap, 18) ? agentCap : vaultCap,
    maxSlippageBps: config.risk.maxSlippageBps,
    cooldownSeconds: config.risk.cooldownSeconds,
  };
}
