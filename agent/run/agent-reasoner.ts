import type { ResolvedConfig } from '../config/index.js';
import type { Clock } from '../model/clock.js';
import type { Reasoner } from '../model/ports.js';
import { createReasoner } from '../reasoning/create-reasoner.js';
import type { ReasonerMarket } from '../reasoning/reasoner-market.js';
import type { AgentTarget } from './agent-target.js';

export type CreateAgentReasonerOptions = {
  reasoner?: 'rules' | 'llm' | undefined;
  cacheMode?: 'off' | 'record' | 'replay' | undefined;
  clock: Clock;
  log?: { info(details: object, message: string): void; warn(details: object, message: string): void } | undefined;
};

/**
 * The agent's reasoner from the config and the `--reasoner` overrides. Rules: one rules reasoner per
 * strategy pool, so each strategy trades through the pool it watches (the oracle-gap strategy through the
 * pool whose gap it saw). LLM: one reasoner over every configured pool (one budget, one cache), which
 * picks the pool itself.
 *
 * @example
 * const { reasoner, close } = createAgentReasoner(config, target, { clock });
 */
export function createAgentReasoner(
  config: ResolvedConfig,
  target: AgentTarget,
  options: CreateAgentReasonerOptions,
): { reasoner: Reasoner; kind: 'rules' | 'llm'; close(): void } {
  const market = (poolFee: number): ReasonerMarket => ({
    oracle: target.baseFeed,
    quoteOracle: target.quoteFeed,
    poolFee,
    base: target.base,
    quote: target.quote,
    pools: target.pools,
  });
  const defaultFee = config.market.pools[0]!.fee;
  const common = { reasoner: options.reasoner, cacheMode: options.cacheMode, clock: options.clock, log: options.log };
  const main = createReasoner(config, { ...common, market: market(defaultFee) });
  if (main.kind === 'llm') return { reasoner: main.reasoner, kind: 'llm', close: main.close };

  const byStrategy = new Map<string, Reasoner>();
  for (const strategy of config.strategies) {
    const fee = strategy.poolFee ?? defaultFee;
    if (fee !== defaultFee) byStrategy.set(strategy.id, createReasoner(config, { ...common, market: market(fee) }).reasoner);
  }
  const reasoner: Reasoner = {
    name: 'rules',
    propose: (input) => (byStrategy.get(input.signal.strategyId) ?? main.reasoner).propose(input),
  };
  return { reasoner, kind: 'rules', close: main.close };
}
