import type { MandateConfig, StrategyConfig } from '../config/index.js';
import { ConfigError } from '../config/config-error.js';
import { createKernel, type Kernel, type KernelLogger } from '../kernel/create-kernel.js';
import type { DecisionJournal, KernelStrategy, Reasoner, StrategyOutcome } from '../model/ports.js';
import type { Signal } from '../model/decision.js';
import { createStrategyInstance, type AnyStrategyDefinition, type StrategyInstance } from '../../strategies/define-strategy.js';
import { createRunReasoner, type RunReasoner, type RunReasonerOptions } from './run-reasoner.js';
import { resolveStrategyDefinition } from './strategy-catalog.js';
import { createStrategyLedger, type StrategyLedger } from './strategy-ledger.js';
import type { Venue } from './venue.js';

/** The config sections a run is built from. */
export type EngineConfig = Pick<MandateConfig, 'strategies' | 'market' | 'reasoner' | 'risk' | 'execution'>;

/** One strategy of the run: as configured, or given on the command line (a file's definition). */
export type RunStrategy = Omit<StrategyConfig, 'use' | 'enabled'> & { use: StrategyConfig['use'] | AnyStrategyDefinition; enabled?: boolean | undefined };

export type CreateEngineParameters = {
  config: EngineConfig;
  venue: Venue;
  journal: DecisionJournal;
  runId: string;
  /** The strategies to run; default: the config's enabled ones. */
  strategies?: readonly RunStrategy[] | undefined;
  /** A reasoner to use as is (tests, benchmarks), or the `--reasoner` overrides for the config's. */
  reasoner?: Reasoner | Omit<RunReasonerOptions, 'clock'> | undefined;
  /** The first decision sequence number (a resumed run continues after its last decision). */
  firstSeq?: number | undefined;
  /** A resumed run's already decided signals (see createKernel). */
  decided?: ((strategyId: string, trigger: string) => StrategyOutcome | undefined) | undefined;
  /** A resumed run's checkpoint block: events through it only update the market state (see createKernel). */
  seenThroughBlock?: bigint | undefined;
  /** The pool fee of strategies without a `poolFee`; default the config's first market pool. */
  defaultPoolFee?: number | undefined;
  /** Told of each signal before any reasoning (latency benchmarks). */
  onSignal?: ((signal: Signal) => void) | undefined;
  log?: KernelLogger | undefined;
};

export type Engine = {
  readonly kernel: Kernel;
  /** The run's strategy instances, in config order. */
  readonly strategies: readonly StrategyInstance[];
  readonly reasoner: Pick<RunReasoner, 'kind' | 'llm' | 'cache' | 'cacheMode'> & { reasoner: Reasoner };
  /** Per-strategy books, fed by every decision of the run. */
  readonly ledger: StrategyLedger;
  /** Closes the reasoner's cache; call after the run. */
  close(): void;
};

/**
 * Builds a run from the config and a venue: the strategy instances bound to the venue's market, the
 * reasoner, the kernel (with the venue's risk gate, executor and clock and the given journal), and the one
 * fan-out of what happens after a decision (the strategy's outcome inside the kernel, the per-strategy
 * ledger here, and `kernel.decisions$` for whoever else listens). `mandate run`, the demo, backtests,
 * sweeps and walk-forward all go through it; only the venue differs.
 *
 * @example
 * const engine = createEngine({ config, venue, journal: journal.decisions, runId });
 * const summary = venue.kind === 'live' ? await engine.kernel.run() : await engine.kernel.replay(events);
 * engine.close();
 */
export function createEngine(parameters: CreateEngineParameters): Engine {
  const { config, venue } = parameters;
  const strategies = (parameters.strategies ?? config.strategies).filter((strategy) => strategy.enabled !== false).map((strategy, index) => bindStrategy(strategy, index, parameters));
  const given = parameters.reasoner;
  const run: RunReasoner =
    given !== undefined && 'propose' in given
      ? { reasoner: given, kind: given.name, llm: undefined, cache: undefined, cacheMode: undefined, close: () => undefined }
      : createRunReasoner(config, venue.market, { ...given, clock: venue.clock, defaultPoolFee: parameters.defaultPoolFee });
  const reasoner = venue.adaptReasoner?.(run.reasoner) ?? run.reasoner;
  const onSignal = parameters.onSignal;
  const kernel = createKernel({
    runId: parameters.runId,
    strategies: onSignal === undefined ? strategies : strategies.map((strategy) => observed(strategy, onSignal)),
    reasoner,
    riskGate: venue.riskGate,
    executor: venue.executor,
    journal: parameters.journal,
    clock: venue.clock,
    tradeDeadlineSeconds: config.execution.deadlineSeconds,
    market$: venue.market$,
    firstSeq: parameters.firstSeq,
    decided: parameters.decided,
    seenThroughBlock: parameters.seenThroughBlock,
    log: parameters.log,
  });
  const ledger = createStrategyLedger(
    strategies.map((strategy) => strategy.id),
    venue.market,
  );
  kernel.decisions$.subscribe((decision) => {
    const fill = decision.completion.outcome === 'trade' ? decision.completion.fill : undefined;
    ledger.onDecision(decision, fill === undefined ? undefined : venue.gasCost?.(fill));
  });
  return { kernel, strategies, reasoner: { ...run, reasoner }, ledger, close: run.close };
}

/** A strategy instance bound to its pool of the venue's market (its `poolFee`, else the first pool). */
function bindStrategy(strategy: RunStrategy, index: number, parameters: CreateEngineParameters): StrategyInstance {
  const market = parameters.venue.market;
  const fee = strategy.poolFee ?? parameters.defaultPoolFee ?? parameters.config.market.pools[0]?.fee ?? market.pools[0]?.fee;
  const pool = market.pools.find((candidate) => candidate.fee === fee);
  if (pool === undefined) {
    throw new ConfigError([
      { path: `strategies[${index}].poolFee`, problem: 'names a pool this market does not have', value: fee, expected: market.pools.map((p) => p.fee).join(' or ') },
    ]);
  }
  return createStrategyInstance(resolveStrategyDefinition(strategy.use), {
    id: strategy.id,
    params: strategy.params,
    market: { oracle: market.baseFeed, pool: pool.address, poolFee: pool.fee, base: market.base, quote: market.quote },
  });
}

/** The strategy, telling `onSignal` of each signal it emits. */
function observed(strategy: StrategyInstance, onSignal: (signal: Signal) => void): KernelStrategy {
  return {
    id: strategy.id,
    setBalances: (balances) => strategy.setBalances(balances),
    onOutcome: (outcome) => strategy.onOutcome(outcome),
    saveState: () => strategy.saveState(),
    loadState: (saved) => strategy.loadState(saved),
    onMarket(market) {
      const signal = strategy.onMarket(market);
      if (signal !== undefined) onSignal(signal);
      return signal;
    },
  };
}
