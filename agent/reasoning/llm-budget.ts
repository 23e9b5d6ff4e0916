import type { Clock } from '../model/clock.js';
import { LlmBudgetExceededError } from './llm-errors.js';

/** The limits from `reasoner.llm.budget`. A call is one HTTP request (retries count); tokens are prompt + completion. */
export type LlmBudgetLimits = {
  callsPerRun: number;
  callsPerDay: number;
  tokensPerRun: number;
  tokensPerDay: number;
};

/** Where the day's usage is kept, so several runs on one day share the daily budget (SQLite in the response cache). */
export type LlmUsageStore = {
  /** What was used on `day` (YYYY-MM-DD, UTC). */
  used(day: string): { calls: number; tokens: number };
  add(day: string, calls: number, tokens: number): void;
};

export type CreateLlmBudgetParameters = {
  limits: LlmBudgetLimits;
  /** Days are UTC days of this clock: the wall clock, since the budget bounds a real bill. */
  clock: Clock;
  /** Default: in memory (the daily count then restarts with the process). */
  store?: LlmUsageStore | undefined;
};

export type LlmBudget = {
  /** The limit that is spent, as an error to record or throw; undefined while calls may still be made. */
  exceeded(): LlmBudgetExceededError | undefined;
  /** Counts one HTTP request. */
  spendCall(): void;
  /** Counts the tokens a response used. */
  spendTokens(tokens: number): void;
  /** This run's and today's usage. */
  usage(): { run: { calls: number; tokens: number }; day: { calls: number; tokens: number } };
};

/**
 * Counts LLM calls and tokens against per-run and per-day limits. Checked before every request (a spent
 * budget never reaches the endpoint); tokens are only known after a response, so the last call may overshoot
 * the token limit by one response.
 *
 * @example
 * const budget = createLlmBudget({ limits: config.reasoner.llm.budget, clock: systemClock });
 * if (budget.exceeded() === undefined) { budget.spendCall(); ... budget.spendTokens(usage.total); }
 */
export function createLlmBudget(parameters: CreateLlmBudgetParameters): LlmBudget {
  const { limits, clock } = parameters;
  const store = parameters.store ?? memoryUsageStore();
  const run = { calls: 0, tokens: 0 };
  const today = () => new Date(clock.now()).toISOString().slice(0, 10);

  return {
    exceeded() {
      const day = store.used(today());
      if (run.calls >= limits.callsPerRun) return new LlmBudgetExceededError('callsPerRun', run.calls, limits.callsPerRun);
      if (run.tokens >= limits.tokensPerRun) return new LlmBudgetExceededError('tokensPerRun', run.tokens, limits.tokensPerRun);
      if (day.calls >= limits.callsPerDay) return new LlmBudgetExceededError('callsPerDay', day.calls, limits.callsPerDay);
      if (day.tokens >= limits.tokensPerDay) return new LlmBudgetExceededError('tokensPerDay', day.tokens, limits.tokensPerDay);
      return undefined;
    },
    spendCall() {
      run.calls += 1;
      store.add(today(), 1, 0);
    },
    spendTokens(tokens) {
      run.tokens += tokens;
      store.add(today(), 0, tokens);
    },
    usage() {
      return { run: { ...run }, day: store.used(today()) };
    },
  };
}

/**
 * A usage store in memory.
 *
 * @example
 * const store = memoryUsageStore();
 * store.add('2026-11-24', 1, 500);
 */
export function memoryUsageStore(): LlmUsageStore {
  const days = new Map<string, { calls: number; tokens: number }>();
  return {
    used: (day) => ({ ...(days.get(day) ?? { calls: 0, tokens: 0 }) }),
    add(day, calls, tokens) {
      const current = days.get(day) ?? { calls: 0, tokens: 0 };
      days.set(day, { calls: current.calls + calls, tokens: current.tokens + tokens });
    },
  };
}
