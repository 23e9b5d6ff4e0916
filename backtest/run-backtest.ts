import { configSchema, type MandateConfig, type MandateConfigInput } from '../agent/config/config-schema.js';
import { createEngine, type RunStrategy } from '../agent/engine/create-engine.js';
import type { StrategyFigures } from '../agent/engine/strategy-ledger.js';
import { batchedDecisions } from '../agent/journal/batched-decisions.js';
import { openJournal, type Journal } from '../agent/journal/open-journal.js';
import type { KernelSummary } from '../agent/kernel/create-kernel.js';
import { MandateError } from '../agent/model/base-error.js';
import { canonicalJson } from '../agent/model/canonical-json.js';
import type { VirtualClock } from '../agent/model/clock.js';
import type { RecordedDecision } from '../agent/model/decision.js';
import { keccak256Hex } from '../agent/model/keccak.js';
import type { MarketEvent } from '../agent/model/market-event.js';
import { sortsBefore, zeroAddress } from '../agent/model/address.js';
import type { Reasoner, RiskGate } from '../agent/model/ports.js';
import type { AnyStrategyDefinition, StrategyMarket } from '../strategies/define-strategy.js';
import { oraclePrice, poolPrice } from '../strategies/prices.js';
import { getBuiltinStrategy } from '../strategies/registry.js';
import type { LiquidityRange } from './anchored-pool.js';
import { backtestMarket } from './backtest-market.js';
import type { FillPolicy } from './backtest-policy-gate.js';
import { createBacktestVenue } from './backtest-venue.js';
import { createEquityTracker, type EquityPoint } from './equity-tracker.js';
import type { BacktestMetrics } from './metrics.js';
import type { BacktestTrade, GasPayment } from './simulated-executor.js';
import type { CandleMode } from './sources/ohlcv-csv-source.js';
import { eventsSource, type HistoricalSource, type SourceStats } from './sources/historical-source.js';
import { openCsvSource } from './sources/open-csv-source.js';
import { cachedSource } from './sources/cached-source.js';
import { hashDataFile } from './sources/data-file.js';
import { join } from 'node:path';
import { packageIdentity } from '../agent/model/package-identity.js';

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
  /**
   * The config, or any part of it (every key defaults as in the schema): its strategies run together on
   * one portfolio and one policy, with its risk, execution, market pools, reasoner and backtest settings.
   */
  config?: MandateConfigInput | undefined;
  /** The strategies to run instead of the config's (ids unique; `poolFee` picks the pool). */
  strategies?: readonly RunStrategy[] | undefined;
  /** One strategy instead of the config's: a built-in name or a definition (sugar for `strategies`). */
  strategy?: string | AnyStrategyDefinition | undefined;
  /** With `strategy`: raw params, validated by the strategy's zod schema (StrategyParamsError names the bad one). */
  params?: Record<string, unknown> | undefined;
  /** With `strategy`: the instance id (the decisions' strategyId). Default: the strategy's name. */
  strategyId?: string | undefined;
  /** A CSV path (layout detected by header), a source (generator, events), or the events themselves. */
  data: string | HistoricalSource | Iterable<MarketEvent>;
  /** Only events with from ≤ time ≤ to (unix seconds) are replayed. */
  from?: number | undefined;
  to?: number | undefined;
  /** Default: backtestMarket (mainnet WETH/USDC, ETH/USD feed, 0.05 % pool). */
  market?: StrategyMarket | undefined;
  /** A reasoner to use as is, or overrides of the config's (`{ reasoner: 'llm', cacheMode: 'replay' }`). Default: the config's. */
  reasoner?: Reasoner | { reasoner?: 'rules' | 'llm' | undefined; cacheMode?: 'off' | 'record' | 'replay' | undefined } | undefined;
  /**
   * Default: agent/policy's gate with `settings.risk` (backtest/backtest-policy-gate.ts). A gate with
   * `evaluate`/`recordExecuted` (agent/policy's PolicyGate) is also asked again at each fill and learns it.
   */
  riskGate?: (RiskGate & FillPolicy) | undefined;
  /** Config sections (risk, execution, backtest) over `config`'s; missing keys take the config defaults. */
  settings?: Pick<MandateConfigInput, 'risk' | 'execution' | 'backtest'> | undefined;
  /** The SQLite journal for the run's decisions. Default ':memory:' (gone when the run ends). */
  journalPath?: string | undefined;
  /** An open journal to write to instead (left open): e.g. to read the decisions back for parity checks. */
  journal?: Journal | undefined;
  /** Default: 'bt-' + a digest of the inputs (deterministic), with a suffix if the journal already has it. */
  runId?: string | undefined;
  /** Liquidity bands of the simulated pool around the replayed price (default: mainnet-like depth). */
  liquidity?: readonly LiquidityRange[] | undefined;
  /**
   * Where the parsed events of a data file are kept for the next backtest of the same file (a columnar
   * file keyed by its content hash), or false. Default .mandate/cache.
   */
  cacheDirectory?: string | false | undefined;
  /** The feed's answer decimals a CSV is read with (see describeBacktestMarket). Default 8. */
  feedDecimals?: number | undefined;
  /** How gas is paid: from the native base or quote token, or at a stated price. Default: from the market's symbols. */
  gas?: GasPayment | undefined;
  /** The quote token's USD price the policy values trades with. Default 1 (a USD quote). */
  quoteUsd?: number | undefined;
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

/** One strategy instance of a backtest. */
export type BacktestStrategy = { name: string; id: string; params: Record<string, unknown> };

/** What a backtest returns: everything a report or a sweep needs, JSON-able (bigints as strings via toJson). */
export type BacktestResult = {
  runId: string;
  /** Where the decisions are (':memory:' when none was given). */
  journalPath: string;
  /** The first strategy of the run (the only one, usually). */
  strategy: BacktestStrategy;
  /** Every strategy of the run, in order. */
  runStrategies: BacktestStrategy[];
  /** What each strategy did: signals, trades, denials and failures by reason, and its own PnL (quote units). */
  strategies: Record<string, StrategyFigures>;
  market: StrategyMarket;
  source: { kind: string; label: string; stats: SourceStats };
  /**
   * What the result is a function of: the data file's sha256 (undefined for events handed in), the digest of
   * the strategies, market and settings, and the Mandate version and lockfile that computed it.
   */
  reproducibility: { dataHash: string | undefined; configDigest: string; version: string; lockHash: string };
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
 * Runs the config's strategies (or the given ones) over historical or generated market events through the
 * one engine: the agent's own strategies, reasoner, policy and kernel, on the backtest venue (the source,
 * the exact Uniswap v3 simulator, a virtual clock). The kernel replays the events: each signal's whole path
 * (reasoner, risk gate, journal, fill, the strategy's outcome) finishes before the next event, so no
 * decision sees a later event; only a fill with latency looks ahead, to the market it would really meet.
 * Every strategy trades from one portfolio under one policy. Decisions go to a SQLite journal under a run
 * of mode 'backtest', exactly as live ones.
 *
 * @example
 * const result = await runBacktest({
 *   strategy: 'trend',
 *   params: { fastPeriod: 12, slowPeriod: 48 },
 *   data: 'data/chainlink/eth-usd.csv',
 * });
 * console.log(result.metrics.totalReturn, result.metrics.buyAndHoldReturn, result.strategies.trend.pnl);
 */
export async function runBacktest(parameters: RunBacktestParameters): Promise<BacktestResult> {
  const market = parameters.market ?? backtestMarket;
  const config = resolveConfig(parameters);
  const settings: BacktestSettings = { risk: config.risk, execution: config.execution, backtest: config.backtest };
  const strategies = runStrategiesOf(parameters, config);
  const from = parameters.from;
  const to = parameters.to;
  if (from !== undefined && to !== undefined && from > to) {
    throw new BacktestInputError('from', `from ${from} after to ${to}`, 'from must not be after to');
  }
  const sampleSeconds = parameters.sampleSeconds ?? 3600;
  if (!Number.isSafeInteger(sampleSeconds) || sampleSeconds <= 0) {
    throw new BacktestInputError('sampleSeconds', String(sampleSeconds), 'a whole number of seconds > 0 is accepted');
  }
  const fees = [market.poolFee ?? 500, ...config.market.pools.map((pool) => pool.fee), ...strategies.flatMap((strategy) => (strategy.poolFee === undefined ? [] : [strategy.poolFee]))];
  const { source, dataHash } = await openSource(parameters.data, market, parameters, parameters.cacheDirectory ?? join('.mandate', 'cache'));

  const trades: BacktestTrade[] = [];
  const tracker = createEquityTracker({ initialQuote: Number(settings.backtest.initialCapitalUsd), sampleSeconds, maxPoints: parameters.maxCurvePoints ?? 2000 });
  const venue = createBacktestVenue({
    source,
    market,
    fees,
    settings,
    gas: parameters.gas ?? gasPaymentOf(market),
    quoteUsd: parameters.quoteUsd,
    from,
    to,
    liquidity: parameters.liquidity,
    riskGate: parameters.riskGate,
    clock: parameters.clock,
    onTrade(trade) {
      trades.push(trade);
      tracker.onTrade(trade, market);
    },
  });

  // What the result depends on besides the data: the strategies, the market, the settings, the liquidity.
  const configDigest = keccak256Hex(
    canonicalJson({
      strategies: strategies.map((strategy) => ({ ...strategy, use: typeof strategy.use === 'string' ? strategy.use : strategy.use.name })),
      market,
      settings,
      liquidity: parameters.liquidity ?? null,
    }),
  );
  const runDigest = keccak256Hex(canonicalJson({ configDigest, data: dataHash ?? source.label, from: from ?? null, to: to ?? null }));
  const ownJournal = parameters.journal === undefined;
  const journal = parameters.journal ?? openJournal({ path: parameters.journalPath ?? ':memory:', clock: venue.clock, durability: 'off' });
  try {
    let runId = parameters.runId ?? `bt-${runDigest.slice(2, 14)}`;
    if (parameters.runId === undefined) for (let n = 2; journal.runs.get(runId) !== undefined; n++) runId = `bt-${runDigest.slice(2, 14)}-${n}`;
    // Decisions are committed in batches: a backtest's journal can be regenerated, so it need not pay a
    // commit per row (live runs do).
    const decisions = batchedDecisions(journal);
    // Strategies without a poolFee trade in the data's pool.
    const engine = createEngine({ config, venue, journal: decisions, runId, strategies, reasoner: parameters.reasoner, defaultPoolFee: market.poolFee ?? 500 });
    venue.attach(engine.kernel.market);
    journal.runs.start({ id: runId, configDigest: runDigest, mode: 'backtest' });

    const denialsByReason: Record<string, number> = {};
    engine.kernel.decisions$.subscribe((decision) => {
      if (decision.completion.outcome === 'denied') {
        const verdict = decision.content.verdict;
        const reason = verdict.allowed ? 'Denied' : verdict.reason;
        denialsByReason[reason] = (denialsByReason[reason] ?? 0) + 1;
      }
      parameters.onDecision?.(decision);
    });

    const priceMarket = market;
    const oracle = market.oracle;
    const pool = market.pool;
    // Ordered like the price: the pool's sqrtPriceX96 prices token1 in token0, the inverse when base is token1.
    const baseIsToken0 = sortsBefore(market.base.address, market.quote.address);
    const priceOfEvent = (event: MarketEvent): number => (event.kind === 'oracle' ? oraclePrice(event) : poolPrice(event, priceMarket));
    const rankOfEvent = (event: MarketEvent): bigint => (event.kind === 'oracle' ? event.answer : baseIsToken0 ? event.sqrtPriceX96 : -event.sqrtPriceX96);
    let lastTime = Number.NEGATIVE_INFINITY;
    const onProgress = parameters.onProgress;
    const expectedEvents = source.expectedEvents;

    let summary: KernelSummary;
    try {
      summary = await engine.kernel.replay(venue.replay.events, {
        progressEvery: parameters.progressEvery ?? 1 << 18,
        onProgress: onProgress === undefined ? undefined : (events) => onProgress({ events, time: lastTime, expectedEvents }),
        afterEvent(event) {
          const time = event.time;
          if (time < lastTime) return;
          lastTime = time;
          if (event.kind === 'oracle' ? event.feed === oracle : event.pool === pool) tracker.onEvent(time, event, priceOfEvent, rankOfEvent);
        },
      });
      decisions.flush();
    } catch (error) {
      try {
        decisions.flush();
        journal.runs.end(runId, 'failed');
      } catch {
        // The journal itself may be what failed; the error below says so.
      }
      throw error;
    } finally {
      engine.close();
    }
    onProgress?.({ events: summary.events, time: summary.lastEventTime ?? 0, expectedEvents });
    journal.runs.end(runId, 'completed');

    const { metrics, equityCurve } = tracker.finish({ denialsByReason, reasonerCalls: summary.reasonerCalls });
    const runStrategies = engine.strategies.map((instance) => ({ name: instance.name, id: instance.id, params: { ...instance.params } }));
    return {
      runId,
      journalPath: journal.path,
      strategy: runStrategies[0]!,
      runStrategies,
      strategies: engine.ledger.figures(equityCurve.at(-1)?.price ?? venue.price?.() ?? 0, summary.signalsByStrategy),
      market,
      source: { kind: source.kind, label: source.label, stats: source.stats() },
      reproducibility: { dataHash, configDigest, ...packageIdentity() },
      from: summary.firstEventTime,
      to: summary.lastEventTime,
      settings,
      metrics,
      equityCurve,
      trades,
      denialsByReason,
      failuresByReason: { ...venue.executor.failures },
      reasonerCalls: summary.reasonerCalls,
      summary,
      policyPricing: venue.policyPricing,
    };
  } finally {
    if (ownJournal) journal.close();
  }
}

/** The config with every default, the `settings` sections over it. */
function resolveConfig(parameters: RunBacktestParameters): MandateConfig {
  // A resolved config (loadConfig's) also carries its mode, source, warnings and secrets: only the schema's keys count.
  const input = Object.fromEntries(Object.entries(parameters.config ?? {}).filter(([key]) => key in configSchema.shape)) as MandateConfigInput;
  const settings = parameters.settings;
  return configSchema.parse({
    ...input,
    risk: settings?.risk ?? input.risk ?? {},
    execution: settings?.execution ?? input.execution ?? {},
    backtest: settings?.backtest ?? input.backtest ?? {},
  });
}

/** The strategies to run: the given list, the one `strategy`, or the config's enabled ones. */
function runStrategiesOf(parameters: RunBacktestParameters, config: MandateConfig): RunStrategy[] {
  if (parameters.strategies !== undefined) return [...parameters.strategies];
  if (parameters.strategy !== undefined) {
    const definition = typeof parameters.strategy === 'string' ? getBuiltinStrategy(parameters.strategy) : parameters.strategy;
    return [{ id: parameters.strategyId ?? definition.name, use: definition, params: parameters.params ?? {} }];
  }
  const enabled = config.strategies.filter((strategy) => strategy.enabled);
  if (enabled.length === 0) throw new BacktestInputError('strategies', 'none enabled', 'a config with at least one enabled strategy, or a strategy to run');
  return enabled;
}

/** Gas is paid in the native token: the base or the quote when one of them is ETH, else it must be stated. */
function gasPaymentOf(market: StrategyMarket): GasPayment {
  const native = (token: StrategyMarket['base']) => token.address === backtestMarket.base.address || /^W?ETH$/i.test(token.symbol ?? '');
  if (native(market.base)) return { native: 'base' };
  if (native(market.quote)) return { native: 'quote' };
  throw new BacktestInputError('gas', `a ${market.base.symbol ?? market.base.address}/${market.quote.symbol ?? market.quote.address} market`, 'gas is paid in ETH: give `gas: { native: "priced", quotePerNative }` (the CLI: --native-usd), never the base token\'s price');
}

/** The events to replay, and the data file's content hash when the data is a file. */
async function openSource(
  data: RunBacktestParameters['data'],
  market: StrategyMarket,
  { candles, feedDecimals }: Pick<RunBacktestParameters, 'candles' | 'feedDecimals'>,
  cacheDirectory: string | false,
): Promise<{ source: HistoricalSource; dataHash: string | undefined }> {
  if (typeof data === 'string') {
    if (market.oracle === undefined && market.pool === undefined) {
      throw new BacktestInputError('market', 'no oracle and no pool', 'a market with an oracle feed or a pool address is needed to stamp CSV events');
    }
    const dataHash = await hashDataFile(data);
    const feed = market.oracle ?? zeroAddress;
    const pool = market.pool ?? zeroAddress;
    const source = await openCsvSource({ path: data, feed, pool, candles, feedDecimals });
    // The parsed events are kept by the file's content and everything that shapes them.
    const key = `${dataHash}-${source.kind}-${feed}-${pool}-${candles ?? 'close'}-${feedDecimals ?? 8}`;
    return { source: cacheDirectory === false ? source : cachedSource(source, { directory: cacheDirectory, key }), dataHash };
  }
  if ('batches' in data && typeof data.batches === 'function') return { source: data, dataHash: undefined };
  return { source: eventsSource(data as Iterable<MarketEvent>), dataHash: undefined };
}

