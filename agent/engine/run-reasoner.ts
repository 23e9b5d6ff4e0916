import type { MandateConfig } from '../config/index.js';
import type { Clock } from '../model/clock.js';
import type { Reasoner } from '../model/ports.js';
import { createReasoner, type CreateReasonerReturnType } from '../reasoning/create-reasoner.js';
import type { ReasonerMarket } from '../reasoning/reasoner-market.js';
import type { ResponseCacheMode } from '../reasoning/response-cache.js';
import type { VenueMarket } from './venue.js';

export type RunReasonerOptions = {
  /** `--reasoner`: overrides `reasoner.use`. */
  reasoner?: 'rules' | 'llm' | undefined;
  /** `--reasoner-cache`: overrides `reasoner.llm.cache`. */
  cacheMode?: ResponseCacheMode | undefined;
  clock: Clock;
  /** The pool fee of strategies without a `poolFee`; default the config's first market pool. */
  defaultPoolFee?: number | undefined;
  /** The clock whose UTC days the daily LLM budget counts (default: the wall clock). */
  budgetClock?: Clock | undefined;
  log?: { info(details: object, message: string): void; warn(details: object, message: string): void } | undefined;
};

export type RunReasoner = Pick<CreateReasonerReturnType, 'llm' | 'cache' | 'kind' | 'cacheMode' | 'close'> & { reasoner: Reasoner };

/**
 * The run's reasoner from the config and the overrides. Rules: one rules reasoner per strategy pool, so
 * each strategy trades through the pool it watches (the oracle-gap strategy through the pool whose gap
 * it saw). LLM: one reasoner over every pool of the market (one budget, one cache), which picks the pool.
 *
 * @example
 * const { reasoner, close } = createRunReasoner(config, venue.market, { clock });
 */
export function createRunReasoner(
  config: Pick<MandateConfig, 'reasoner' | 'risk' | 'execution' | 'strategies' | 'market'>,
  market: VenueMarket,
  options: RunReasonerOptions,
): RunReasoner {
  const marketFor = (poolFee: number): ReasonerMarket => ({
    oracle: market.baseFeed ?? market.base.address,
    quoteOracle: market.quoteFeed,
    poolFee,
    base: market.base,
    quote: market.quote,
    pools: market.pools,
  });
  const defaultFee = options.defaultPoolFee ?? config.market.pools[0]?.fee ?? market.pools[0]!.fee;
  const common = { reasoner: options.reasoner, cacheMode: options.cacheMode, clock: options.clock, budgetClock: options.budgetClock, log: options.log };
  const main = createReasoner(config, { ...common, market: marketFor(defaultFee) });
  if (main.kind === 'llm') return main;

  const byStrategy = new Map<string, Reasoner>();
  for (const strategy of config.strategies) {
    const fee = strategy.poolFee ?? defaultFee;
    if (fee !== defaultFee) byStrategy.set(strategy.id, createReasoner(config, { ...common, market: marketFor(fee) }).reasoner);
  }
  const reasoner: Reasoner =
    byStrategy.size === 0 ? main.reasoner : { name: 'rules', propose: (input) => (byStrategy.get(input.signal.strategyId) ?? main.reasoner).propose(input) };
  return { ...main, reasoner };
}
