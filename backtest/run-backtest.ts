import { keccak256, toBytes } from 'viem';
import { configSchema, type MandateConfig, type MandateConfigInput } from '../agent/config/config-schema.js';
import { MandateError } from '../agent/model/base-error.js';
import { createVirtualClock, type VirtualClock } from '../agent/model/clock.js';
import { createKernel, type KernelSummary } from '../agent/kernel/create-kernel.js';
import { KernelJournalError } from '../agent/kernel/kernel-errors.js';
import type { DecisionJournal, Reasoner, RiskGate } from '../agent/model/ports.js';
import type { RecordedDecision } from '../agent/model/decision.js';
import { canonicalJson } from '../agent/model/canonical-json.js';
import { openJournal, type Journal } from '../agent/journal/open-journal.js';
import type { Address } from '../agent/model/address.js';
import type { MarketEvent } from '../agent/model/market-event.js';
import { createRulesReasoner } from '../agent/reasoning/rules-reasoner.js';
import { createStrategyInstance, type AnyStrategyDefinition, type StrategyMarket } from '../strategies/define-strategy.js';
import { getBuiltinStrategy } from '../strategies/registry.js';
import { oraclePrice, poolPrice } from '../strategies/prices.js';
import { createAnchoredPool, type LiquidityRange } from './anchored-pool.js';
import { backtestMarket } from './backtest-market.js';
import { createEquityTracker, type EquityPoint } from './equity-tracker.js';
import type { BacktestMetrics } from './metrics.js';
import { createBacktestPolicyGate, type FillPolicy } from './backtest-policy-gate.js';
import { poolPricedReasoner } from './pool-priced-reasoner.js';
import { createSimulatedExecutor, type BacktestTrade, type FillWindow } from './simulated-executor.js';
import type { HistoricalSource, SourceStats } from './sources/historical-source.js';
import { eventsSource } from './sources/historical-source.js';
import { openCsvSource } from './sources/open-csv-source.js';
import type { CandleMode } from './sources/ohlcv-csv-source.js';

/** The parts of the config a backtest reads; every field defaults as in the config schema. */
export type BacktestSettings = Pick<MandateConfig, 'risk' | 'execution' | 'backtest'>;

/** Progress of a run, for a progress bar. */
export type BacktestProgress = {
  /** Events handed to the kernel so far. */
  events: number;
  /** Market time of the last event, unix seconds. */
  time: number;
  /** How many events the source will produce, when it knows (generators do). */
  expectedEvents: number | undefined;
};

export type RunBacktestParameters = {
  /** A built-in strategy name or a definition. */
  strategy: string | AnyStrategyDefinition;
  /** Raw params, validated by the strategy's zod schema (unknown keys and bad values throw StrategyParamsError). */
  params?: Record<string, unknown> | undefined;
  /** The strategy instance id (the decisions' strategyId). Default: the strategy's name. */
  strategyId?: string | undefined;
  /** A CSV path (layout detected by header), a source (generator, events), or the events themselves. */
  data: string | HistoricalSource | Iterable<MarketEvent>;
  /** Only events with from ≤ time ≤ to (unix seconds) are replayed. */
  from?: number | undefined;
  to?: number | undefined;
  /** Default: backtestMarket (mainnet WETH/USDC, ETH/USD feed, 0.05 % pool). */
  market?: StrategyMarket | undefined;
  /** Default: the rules reasoner sized by execution.maxTradeSizeUsd and execution.slippageBps. */
  reasoner?: Reasoner | undefined;
  /**
   * Default: agent/policy's gate with `settings.risk` (backtest/backtest-policy-gate.ts). A gate with
   * `evaluate`/`recordExecuted` (agent/policy's PolicyGate) is also asked again at each fill and learns it.
   */
  riskGate?: (RiskGate & FillPolicy) | undefined;
  /** Config sections (risk, execution, backtest); missing keys take the config defaults. */
  settings?: Pick<MandateConfigInput, 'risk' | 'execution' | 'backtest'> | undefined;
  /** The SQLite journal for the run's decisions. Default ':memory:' (gone when the run ends). */
  journalPath?: string | undefined;
  /** An open journal to write to instead (left open): e.g. to read the decisions back for parity checks. */
  journal?: Journal | undefined;
  /** Default: 'bt-' + a digest of the inputs (deterministic), with a suffix if the journal already has it. */
  runId?: string | undefined;
  /** Liquidity bands of the simulated pool around the replayed price (default: mainnet-like depth). */
  liquidity?: readonly LiquidityRange[] | undefined;
  /** How candles become events (OHLCV files). Default 'close'. */
  candles?: CandleMode | undefined;
  /** Returns are sampled at this interval for Sharpe/Sortino and the curve. Default 3600 s. */
  sampleSeconds?: number | undefined;
  /** Points in the returned equity curve, at most. Default 2000. */
  maxCurvePoints?: number | undefined;
  /** Called about every `progressEvery` events (default 262,144) and once at the end. */
  onProgress?: ((progress: BacktestProgress) => void) | undefined;
  progressEvery?: number | undefined;
  /**
   * The run's virtual clock (advanced by the events), when the caller needs it first: e.g. to build an LLM
   * reasoner whose cache and deadlines use backtest time. Default: a new one at 0.
   */
  clock?: VirtualClock | undefined;
  /** Each decision as it is journaled (e.g. to compare a backtest with a live run decision by decision). */
  onDecision?: ((decision: RecordedDecision) => void) | undefined;
};

/** What a backtest returns: everything a report or a sweep needs, JSON-able (bigints as strings via toJson). */
export type BacktestResult = {
  runId: string;
  /** Where the decisions are (':memory:' when none was given). */
  journalPath: string;
  strategy: { name: string; id: string; params: Record<string, unknown> };
  market: StrategyMarket;
  source: { kind: string; label: string; stats: SourceStats };
  /** The window actually replayed. */
  from: number | undefined;
  to: number | undefined;
  settings: BacktestSettings;
  metrics: BacktestMetrics;
  /** Downsampled: time, equity, buyAndHold, price, drawdown. */
  equityCurve: EquityPoint[];
  trades: BacktestTrade[];
  denialsByReason: Record<string, number>;
  /** Sent trades that did not fill, by reason ('Too little received', 'DeadlineExpired', ...). */
  failuresByReason: Record<string, number>;
  reasonerCalls: number;
  /** The kernel's counts (events, signals, decisions, trades, holds, denied, failed...). */
  summary: KernelSummary;
  /** How the policy priced the base token: its oracle feed, or the pool when the data has no oracle. */
  policyPricing: 'oracle' | 'pool' | 'custom';
};

/**
 * The backtest's inputs are unusable; details name the input and what is accepted.
 *
 * @example
 * await runBacktest({ strategy: 'trend', data: 'x.csv', from: 10, to: 5 }); // throws BacktestInputError
 */
export class BacktestInputError extends MandateError {
  override name = 'BacktestInputError';
  constructor(input: string, got: string, accepted: string) {
    super(`Invalid backtest input "${input}".`, { details: `Got ${got}; ${accepted}.` });
  }
}

/**
 * Runs a strategy over historical or generated market events through the agent's own kernel (its
 * synchronous per-event core, `onEvent`), strategies, reasoner and policy, with only the source, the
 * executor (the exact Uniswap v3 simulator) and the clock (virtual, advanced by the events) swapped.
 * Each event is handed to the kernel alone; a signal's whole path (reasoner, risk gate, journal, fill)
 * finishes before the next event, so no decision can see a later event; only a fill with latency looks
 * ahead, to the market it would really meet. Decisions go to a SQLite journal under a run of mode
 * 'backtest', exactly as live ones.
 *
 * @example
 * const result = await runBacktest({
 *   strategy: 'trend',
 *   params: { fastPeriod: 12, slowPeriod: 48 },
 *   data: 'data/chainlink/eth-usd.csv',
 * });
 * console.log(result.metrics.totalReturn, result.metrics.buyAndHoldReturn, result.trades.length);
 */
export async function runBacktest(parameters: RunBacktestParameters): Promise<BacktestResult> {
  const market = parameters.market ?? backtestMarket;
  const settings = resolveSettings(parameters.settings);
  const definition = typeof parameters.strategy === 'string' ? getBuiltinStrategy(parameters.strategy) : parameters.strategy;
  const strategyId = parameters.strategyId ?? definition.name;
  const instance = createStrategyInstance(definition, { id: strategyId, params: parameters.params ?? {}, market });
  const from = parameters.from;
  const to = parameters.to;
  if (from !== undefined && to !== undefined && from > to) {
    throw new BacktestInputError('from', `from ${from} after to ${to}`, 'from must not be after to');
  }
  const sampleSeconds = parameters.sampleSeconds ?? 3600;
  if (!Number.isSafeInteger(sampleSeconds) || sampleSeconds <= 0) {
    throw new BacktestInputError('sampleSeconds', String(sampleSeconds), 'a whole number of seconds > 0 is accepted');
  }
  const fee = market.poolFee ?? 500;

  const source = await openSource(parameters.data, market, parameters.candles);
  const policyPricing = parameters.riskGate !== undefined ? 'custom' : source.kind === 'uniswap-events-csv' || market.oracle === undefined ? 'pool' : 'oracle';

  const runDigest = keccak256(
    toBytes(
      canonicalJson({
        strategy: definition.name,
        id: strategyId,
        params: instance.params,
        data: source.label,
        from: from ?? null,
        to: to ?? null,
        market,
        settings,
        liquidity: parameters.liquidity ?? null,
      }),
    ),
  );
  const clock = parameters.clock ?? createVirtualClock(0);
  const ownJournal = parameters.journal === undefined;
  const journal = parameters.journal ?? openJournal({ path: parameters.journalPath ?? ':memory:', clock, durability: 'normal' });
  try {
    let runId = parameters.runId ?? `bt-${runDigest.slice(2, 14)}`;
    if (parameters.runId === undefined) for (let n = 2; journal.runs.get(runId) !== undefined; n++) runId = `bt-${runDigest.slice(2, 14)}-${n}`;
    journal.runs.start({ id: runId, configDigest: runDigest, mode: 'backtest' });

    const oracleAddress = market.oracle ?? market.base.address;
    let reasoner =
      parameters.reasoner ??
      createRulesReasoner({
        market: { oracle: oracleAddress, poolFee: fee, base: market.base, quote: market.quote },
        maxTradeQuote: settings.execution.maxTradeSizeUsd,
        maxSlippageBps: settings.execution.slippageBps,
      });
    if (parameters.reasoner === undefined && policyPricing === 'pool' && market.pool !== undefined) {
      reasoner = poolPricedReasoner(reasoner, { oracle: oracleAddress, pool: market.pool, base: market.base, quote: market.quote });
    }

    // The kernel's snapshot, once it exists (the gate and the executor read it lazily).
    let kernelMarket: (() => ReturnType<typeof createKernel>['market']) | undefined;
    const snapshot = () => kernelMarket!();
    const riskGate =
      parameters.riskGate ??
      createBacktestPolicyGate({ market, fee, risk: settings.risk, poolPriced: policyPricing === 'pool', snapshot });

    // The driver's position, so a fill with latency can look at the events after the current one.
    let batch: readonly MarketEvent[] = [];
    let index = 0;
    const prefetched: (readonly MarketEvent[])[] = [];
    const iterator = iterate(source);
    const pull = async (): Promise<readonly MarketEvent[] | undefined> => {
      const next = await iterator.next();
      return next.done ? undefined : next.value;
    };
    const window: FillWindow = {
      current: snapshot,
      async eventsUntil(limit) {
        const seen: MarketEvent[] = [];
        let list = batch;
        let position = index + 1;
        let queued = 0;
        for (;;) {
          if (position >= list.length) {
            if (queued < prefetched.length) list = prefetched[queued++]!;
            else {
              const more = await pull();
              if (more === undefined) return seen;
              prefetched.push(more);
              queued = prefetched.length;
              list = more;
            }
            position = 0;
            continue;
          }
          const event = list[position]!;
          if (to !== undefined && event.time > to) return seen;
          // Events with block numbers are measured in blocks, the rest (oracle rounds) in time.
          const beyond = limit.block !== undefined && event.block !== undefined ? event.block > limit.block : event.time > limit.time;
          if (beyond) return seen;
          seen.push(event);
          position++;
        }
      },
    };

    const trades: BacktestTrade[] = [];
    const tracker = createEquityTracker({
      initialQuote: Number(settings.backtest.initialCapitalUsd),
      sampleSeconds,
      maxPoints: parameters.maxCurvePoints ?? 2000,
    });
    const executor = createSimulatedExecutor({
      market: { oracle: market.oracle, pool: market.pool, base: market.base, quote: market.quote },
      pool: createAnchoredPool({ fee, base: market.base, quote: market.quote, ranges: parameters.liquidity }),
      balances: new Map<Address, bigint>([
        [market.quote.address, parseDecimal(settings.backtest.initialCapitalUsd, market.quote.decimals)],
        [market.base.address, 0n],
      ]),
      window,
      policy: riskGate,
      gasPerTrade: BigInt(settings.backtest.gasPerTrade),
      gasPriceWei: parseDecimal(settings.backtest.gasPriceGwei, 9),
      latencyBlocks: settings.backtest.latencyBlocks,
      blockTimeSeconds: settings.backtest.blockTimeSeconds,
      onTrade(trade) {
        trades.push(trade);
        tracker.onTrade(trade, market.base.decimals, market.quote.decimals);
      },
    });

    // The kernel stops taking events when the journal fails (nothing may happen off the record); its per-event
    // core then returns nothing, so the failure is caught here and ends the backtest with the kernel's error.
    let journalFailure: KernelJournalError | undefined;
    const failed = (id: string, error: unknown): never => {
      if (!(error instanceof Error && error.name === 'CanonicalJsonError')) journalFailure ??= new KernelJournalError(id, error);
      throw error;
    };
    const decisionJournal: DecisionJournal = {
      record: (content) => {
        try {
          return journal.decisions.record(content);
        } catch (error) {
          return failed(content.id, error);
        }
      },
      complete: (id, completion) => {
        try {
          journal.decisions.complete(id, completion);
        } catch (error) {
          failed(id, error);
        }
      },
    };
    const kernel = createKernel({
      runId,
      strategies: [instance],
      reasoner,
      riskGate,
      executor,
      journal: decisionJournal,
      clock,
      tradeDeadlineSeconds: settings.execution.deadlineSeconds,
    });
    kernelMarket = () => kernel.market;
    const denialsByReason: Record<string, number> = {};
    const subscription = kernel.decisions$.subscribe((decision) => {
      if (decision.completion.outcome === 'denied') {
        const verdict = decision.content.verdict;
        const reason = verdict.allowed ? 'Denied' : verdict.reason;
        denialsByReason[reason] = (denialsByReason[reason] ?? 0) + 1;
      }
      parameters.onDecision?.(decision);
    });

    const oracle = market.oracle?.toLowerCase();
    const pool = market.pool?.toLowerCase();
    // Sources reuse one address string per feed: remember the last answer instead of lower-casing per event.
    let lastAddress = '';
    let lastMatches = false;
    const onProgress = parameters.onProgress;
    const progressEvery = parameters.progressEvery ?? 1 << 18;
    const expectedEvents = source.expectedEvents;
    const priceOfEvent = (event: MarketEvent): number => (event.kind === 'oracle' ? oraclePrice(event) : poolPrice(event, market));
    // Ordered like the price: the pool's sqrtPriceX96 prices token1 in token0, the inverse when base is token1.
    const baseIsToken0 = market.base.address.toLowerCase() < market.quote.address.toLowerCase();
    const rankOfEvent = (event: MarketEvent): bigint =>
      event.kind === 'oracle' ? event.answer : baseIsToken0 ? event.sqrtPriceX96 : -event.sqrtPriceX96;
    let events = 0;
    let lastTime = Number.NEGATIVE_INFINITY;

    // Decisions are written in one transaction per batch of events instead of one per statement: a backtest's
    // journal can be regenerated, so it need not pay a commit for every row (live runs do).
    const db = journal.db;
    const batching = !db.inTransaction;
    const commit = (): void => {
      if (batching && db.inTransaction) db.exec('COMMIT');
    };
    try {
      await kernel.refreshBalances();
      replay: for (;;) {
        const next = prefetched.length > 0 ? prefetched.shift() : await pull();
        if (next === undefined) break;
        commit();
        if (batching) db.exec('BEGIN');
        batch = next;
        for (index = 0; index < batch.length; index++) {
          const event = batch[index]!;
          const time = event.time;
          if (from !== undefined && time < from) continue;
          if (to !== undefined && time > to) break replay;
          const work = kernel.onEvent(event);
          if (work !== undefined) {
            await work;
            if (journalFailure !== undefined) throw journalFailure;
          }
          if (time >= lastTime) {
            lastTime = time;
            const address = event.kind === 'oracle' ? event.feed : event.pool;
            if (address !== lastAddress) {
              lastAddress = address;
              lastMatches = address.toLowerCase() === (event.kind === 'oracle' ? oracle : pool);
            }
            if (lastMatches) tracker.onEvent(time, event, priceOfEvent, rankOfEvent);
          }
          if (onProgress !== undefined && ++events % progressEvery === 0) onProgress({ events, time, expectedEvents });
        }
      }
      await kernel.idle();
      commit();
      if (journalFailure !== undefined) throw journalFailure;
    } catch (error) {
      try {
        commit();
      } catch {
        // Reported below with the error that stopped the run.
      }
      try {
        journal.runs.end(runId, 'failed');
      } catch {
        // The journal itself may be what failed; the error below says so.
      }
      throw error;
    } finally {
      subscription.unsubscribe();
    }
    const summary = kernel.summary();
    onProgress?.({ events: summary.events, time: summary.lastEventTime ?? 0, expectedEvents });
    journal.runs.end(runId, 'completed');

    const { metrics, equityCurve } = tracker.finish({ denialsByReason, reasonerCalls: summary.reasonerCalls });
    return {
      runId,
      journalPath: journal.path,
      strategy: { name: definition.name, id: strategyId, params: { ...instance.params } },
      market,
      source: { kind: source.kind, label: source.label, stats: source.stats() },
      from: summary.firstEventTime,
      to: summary.lastEventTime,
      settings,
      metrics,
      equityCurve,
      trades,
      denialsByReason,
      failuresByReason: { ...executor.failures },
      reasonerCalls: summary.reasonerCalls,
      summary,
      policyPricing,
    };
  } finally {
    if (ownJournal) journal.close();
  }
}

/** The risk, execution and backtest sections with every default filled in. */
function resolveSettings(partial: RunBacktestParameters['settings']): BacktestSettings {
  const parsed = configSchema.parse({
    risk: partial?.risk ?? {},
    execution: partial?.execution ?? {},
    backtest: partial?.backtest ?? {},
  });
  return { risk: parsed.risk, execution: parsed.execution, backtest: parsed.backtest };
}

async function openSource(data: RunBacktestParameters['data'], market: StrategyMarket, candles: CandleMode | undefined): Promise<HistoricalSource> {
  if (typeof data === 'string') {
    if (market.oracle === undefined && market.pool === undefined) {
      throw new BacktestInputError('market', 'no oracle and no pool', 'a market with an oracle feed or a pool address is needed to stamp CSV events');
    }
    const none = '0x0000000000000000000000000000000000000000' as Address;
    return openCsvSource({ path: data, feed: market.oracle ?? none, pool: market.pool ?? none, candles });
  }
  if ('batches' in data && typeof data.batches === 'function') return data;
  return eventsSource(data as Iterable<MarketEvent>);
}

function iterate(source: HistoricalSource): AsyncIterator<readonly MarketEvent[]> | Iterator<readonly MarketEvent[]> {
  const batches = source.batches();
  return Symbol.asyncIterator in batches
    ? (batches as AsyncIterable<readonly MarketEvent[]>)[Symbol.asyncIterator]()
    : (batches as Iterable<readonly MarketEvent[]>)[Symbol.iterator]();
}

function parseDecimal(value: string, decimals: number): bigint {
  const [whole = '0', fraction = ''] = value.split('.');
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.slice(0, decimals).padEnd(decimals, '0') || '0');
}
