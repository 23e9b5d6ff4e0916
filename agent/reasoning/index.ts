/**
 * Reasoners turn strategy signals into proposals: `rules` (deterministic, the default and the fallback) and
 * `llm` (a chat model through langchain, validated, budgeted, cached). See README.md in this folder.
 */
export { createReasoner, reasonerPolicy } from './create-reasoner.js';
export type { CreateReasonerOptions, CreateReasonerReturnType } from './create-reasoner.js';
export { createRulesReasoner, rulesModel } from './rules-reasoner.js';
export type { CreateRulesReasonerParameters, RulesMarket, RulesToken } from './rules-reasoner.js';
export { createLlmReasoner } from './llm-reasoner.js';
export type { CreateLlmReasonerParameters, LlmReasoner, LlmReasonerStats } from './llm-reasoner.js';
export { buildLlmPrompt, defaultMandate, encodeData, PROMPT_VERSION } from './prompt.js';
export type { ChatMessage } from './prompt.js';
export { llmDecisionSchema } from './llm-output-schema.js';
export type { LlmDecision } from './llm-output-schema.js';
export { validateLlmOutput } from './validate-llm-output.js';
export { openResponseCache, responseCacheKey, responseCacheModes } from './response-cache.js';
export type { CachedResponse, ResponseCache, ResponseCacheMode } from './response-cache.js';
export { createLlmBudget, memoryUsageStore } from './llm-budget.js';
export type { LlmBudget, LlmBudgetLimits, LlmUsageStore } from './llm-budget.js';
export { knownTrainingCutoffs, trainingCutoffFor, trainingCutoffWarning } from './training-cutoff.js';
export type { ReasonerMarket, ReasonerPolicy } from './reasoner-market.js';
export {
  LlmBudgetExceededError,
  LlmOutputError,
  LlmReasonerConfigError,
  LlmUnavailableError,
  ReasonerCacheMissError,
  ResponseCacheOpenError,
  llmOutputReasons,
} from './llm-errors.js';
