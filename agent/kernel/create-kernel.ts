import { Subject, type Observable, type Subscription } from 'rxjs';
import { MarketState } from '../market/market-state.js';
import type { Address } from '../model/address.js';
import type { Clock, VirtualClock } from '../model/clock.js';
import { notSentReasons, type RecordedDecision, type Signal } from '../model/decision.js';
import { decisionIdFor } from '../model/decision-hash.js';
import { eventKey, type MarketEvent } from '../model/market-event.js';
import type { DecisionJournal, Executor, KernelStrategy, MarketSnapshot, Reasoner, RiskGate, StrategyOutcome } from '../model/ports.js';
import { createDecisionRecorder } from './decision-recorder.js';
import { describeError } from './describe-error.js';
import { KernelConfigError, KernelJournalError, MarketSourceFailedError } from './kernel-errors.js';
import { createSignalLanes } from './signal-lanes.js';
import { createSignalProcessor, type SignalJob } from './process-signal.js';
import { signalProblem } from './validate-signal.js';

/** A pino-compatible logger (object first, message second); the kernel logs only what is unusual. */
export type KernelLogger = {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
};

export type CreateKernelParameters = {
  /** Names the run; with the sequence number it derives every decision id. */
  runId: string;
  strategies: readonly KernelStrategy[];
  reasoner: Reasoner;
  riskGate: RiskGate;
  executor: Executor;
  journal: DecisionJournal;
  /**
   * Wall time live, a virtual clock in backtests: deadlines and risk checks use it. A virtual clock (one
   * with `advanceTo`, from createVirtualClock) is advanced to each event's time before the event is applied,
   * so in a backtest, or on a devnet whose chain time is warped, the agent's time is market time.
   */
  clock: Clock | VirtualClock;
  /** A trade intent's deadline is clock time + this many seconds. */
  tradeDeadlineSeconds: number;
  /** The market events for `run()`; `replay()` takes its events directly. */
  market$?: Observable<MarketEvent> | undefined;
  /** The first decision sequence number (resuming a run continues after its last decision). Default 0. */
  firstSeq?: number | undefined;
  /**
   * A resumed run: the recorded outcome of a signal this strategy already decided on for the event with
   * this key (see `eventKey`), so reading the event again tells the strategy instead of deciding twice.
   */
  decided?: ((strategyId: string, trigger: string) => StrategyOutcome | undefined) | undefined;
  /**
   * A resumed run whose strategies were restored from a checkpoint at this block: events at or before it
   * (the stream's first reads of the state at that block) only update the market state; the strategies
   * already saw them.
   */
  seenThroughBlock?: bigint | undefined;
  log?: KernelLogger | undefined;
};

/** Counts of what a run did; `run()` and `replay()` resolve with it. */
export type KernelSummary = {
  runId: string;
  /** Market events applied to the state (out-of-order ones excluded). */
  events: number;
  /** Events dropped because their time was before the previous event's. */
  outOfOrder: number;
  /** Signals emitted by strategies (valid ones), those a resumed run had already decided included. */
  signals: number;
  /** Of the signals, those a resumed run had already decided before it was interrupted. */
  alreadyDecided: number;
  /** Signals per strategy id. */
  signalsByStrategy: Record<string, number>;
  reasonerCalls: number;
  decisions: number;
  trades: number;
  holds: number;
  denied: number;
  failed: number;
  superseded: number;
  /** Strategy throws and invalid signals (each streak of them is one 'failed' decision). */
  strategyErrors: number;
  /** Unix seconds of the first and last applied events. */
  firstEventTime: number | undefined;
  lastEventTime: number | undefined;
  /** The next decision sequence number: pass it as `firstSeq` to resume the run. */
  nextSeq: number;
};

/**
 * What `replay` takes: an array or synchronous iterable (fastest), or an async iterable of events or of
 * batches of events (a streamed file: yield arrays of a few thousand events to keep the sync speed).
 */
export type ReplayEvents = Iterable<MarketEvent> | AsyncIterable<MarketEvent | Iterable<MarketEvent>>;

export type ReplayOptions = {
  /** Called every `progressEvery` events (default 1,048,576) with the number applied so far. */
  onProgress?: ((events: number) => void) | undefined;
  progressEvery?: number | undefined;
  /** Called after each event and all the work it caused (a backtest values its portfolio here). */
  afterEvent?: ((event: MarketEvent) => void) | undefined;
};

export type Kernel = {
  /** The market state (it is the snapshot strategies and reasoners read). */
  readonly market: MarketSnapshot;
  /** Each decision once journaled and completed: for live display. */
  readonly decisions$: Observable<RecordedDecision>;
  /** The snapshot after each applied event (published after the state update, before strategies run). */
  readonly events$: Observable<MarketSnapshot>;
  /**
   * The synchronous core: applies one event, runs the strategies, and hands any signal to its strategy's
   * lane. Returns undefined when the event produced no signal (the hot path: no allocation, no promise),
   * else a promise that resolves when all signal work has finished. A lockstep driver awaits it; a live driver
   * does not, and backpressure (latest signal per strategy wins) applies.
   */
  onEvent(event: MarketEvent): Promise<void> | undefined;
  /** Reads the vault balances from the executor and hands them to the strategies. */
  refreshBalances(): Promise<void>;
  /** Live: subscribes to `market$`; resolves when it completes (or `stop()`), once pending work is done. */
  run(): Promise<KernelSummary>;
  /**
   * Backtest: applies `events` in order, awaiting each signal's work before the next event, so every
   * decision sees exactly the market up to its event. Deterministic; nothing is ever superseded.
   */
  replay(events: ReplayEvents, options?: ReplayOptions): Promise<KernelSummary>;
  /** Stops `run()`: no more events are taken; work in progress finishes and is journaled. */
  stop(): void;
  /** Resolves when no signal is being processed or waiting. */
  idle(): Promise<void>;
  summary(): KernelSummary;
  /** Each strategy's state as saved by its `saveState`, by strategy id (only those that save). */
  saveStrategyStates(): Record<string, unknown>;
  /** Hands each strategy its saved state back (before the first event of a resumed run). */
  loadStrategyStates(saved: Readonly<Record<string, unknown>>): void;
};

const noopLogger: KernelLogger = { info: () => undefined, warn: () => undefined };

/**
 * Builds the pipeline that turns market events into journaled decisions: market state → strategies →
 * reasoner (only on a signal) → trade intent → risk gate → journal.record → executor → journal.complete →
 * the strategy's onOutcome and `decisions$`. Holds, denials, failures and superseded signals are decisions
 * too. The same kernel runs live (`run()` over `market$`) and in backtests (`replay()` over an array or a
 * stream, on a virtual clock). Its parts: the market state, the signal lanes (backpressure per strategy),
 * the signal processor (one signal's path) and the decision recorder (journal and fan-out).
 *
 * @example
 * const kernel = createKernel({ runId, strategies, reasoner, riskGate, executor, journal, clock: systemClock,
 *   tradeDeadlineSeconds: 300, market$ });
 * kernel.decisions$.subscribe((d) => console.log(d.completion.outcome, d.content.proposal));
 * const summary = await kernel.run();
 */
export function createKernel(parameters: CreateKernelParameters): Kernel {
  const { runId, reasoner, executor, journal, clock } = parameters;
  const strategies = [...parameters.strategies];
  const log = parameters.log ?? noopLogger;
  validate(parameters);

  const virtualClock = 'advanceTo' in clock && typeof clock.advanceTo === 'function' ? clock : undefined;
  const state = new MarketState();
  const published$ = new Subject<MarketSnapshot>();
  const failing = strategies.map(() => false);
  const signalsByStrategy = strategies.map(() => 0);
  const counters = { events: 0, outOfOrder: 0, signals: 0, alreadyDecided: 0, strategyErrors: 0 };
  let nextSeq = parameters.firstSeq ?? 0;
  let firstEventTime: number | undefined;
  let lastEventTime = Number.NEGATIVE_INFINITY;
  let fatal: KernelJournalError | undefined;

  const recorder = createDecisionRecorder({ runId, journal, strategies, reasonerName: reasoner.name, log });
  const pushBalances = (balances: ReadonlyMap<Address, bigint>): void => {
    for (const strategy of strategies) strategy.setBalances?.(balances);
  };
  const processor = createSignalProcessor({
    runId,
    strategies,
    reasoner,
    riskGate: parameters.riskGate,
    executor,
    clock,
    tradeDeadlineSeconds: parameters.tradeDeadlineSeconds,
    recorder,
    market: state,
    nextSeq: () => nextSeq++,
    pushBalances,
    onFatal: stopOnJournalError,
    stopped: () => fatal !== undefined,
    log,
  });
  const lanes = createSignalLanes<SignalJob>({ count: strategies.length, process: processor.process, superseded: processor.superseded });
  const decided = parameters.decided;
  const seenThroughBlock = parameters.seenThroughBlock;

  function onEvent(event: MarketEvent): Promise<void> | undefined {
    if (fatal !== undefined) return undefined;
    const time = event.time;
    if (time < lastEventTime) {
      counters.outOfOrder += 1;
      log.warn({ time, lastEventTime, kind: event.kind }, 'Dropped an out-of-order market event');
      return undefined;
    }
    lastEventTime = time;
    if (firstEventTime === undefined) firstEventTime = time;
    if (virtualClock !== undefined && time * 1000 > virtualClock.now()) virtualClock.advanceTo(time * 1000);
    state.apply(event);
    counters.events += 1;
    if (published$.observed) published$.next(state);
    if (seenThroughBlock !== undefined && event.block !== undefined && event.block <= seenThroughBlock) return undefined;

    let work: Promise<void> | undefined;
    for (let lane = 0; lane < strategies.length; lane++) {
      const strategy = strategies[lane]!;
      let signal: Signal | undefined;
      try {
        signal = strategy.onMarket(state);
      } catch (error) {
        strategyFailed(lane, event, `onMarket threw: ${describeError(error)}`);
        continue;
      }
      if (signal === undefined) {
        failing[lane] = false;
        continue;
      }
      const problem = signalProblem(signal);
      if (problem !== undefined) {
        strategyFailed(lane, event, `invalid signal: ${problem}`);
        continue;
      }
      failing[lane] = false;
      counters.signals += 1;
      signalsByStrategy[lane]! += 1;
      const trigger = eventKey(event);
      // A resumed run reads again the events after its last checkpoint: a signal it already decided on is
      // told its recorded outcome instead of being decided twice.
      const known = decided?.(strategy.id, trigger);
      if (known !== undefined) {
        counters.alreadyDecided += 1;
        strategy.onOutcome?.(known);
        continue;
      }
      work = lanes.push({ signal, lane, trigger });
    }
    return work;
  }

  function strategyFailed(lane: number, event: MarketEvent, explanation: string): void {
    counters.strategyErrors += 1;
    // One decision per streak: a strategy that throws on every event must not write millions of rows.
    if (failing[lane]) return;
    failing[lane] = true;
    const seq = nextSeq++;
    const id = decisionIdFor(runId, seq);
    const strategyId = strategies[lane]!.id;
    log.warn({ decisionId: id, strategyId, explanation }, 'Strategy failed');
    try {
      recorder.recordComplete(
        recorder.notSentContent(id, seq, event.time, strategyId, undefined, notSentReasons.strategyFailed, explanation, { event }),
        { outcome: 'failed', reason: `${notSentReasons.strategyFailed}: ${explanation}` },
        { lane, trigger: eventKey(event) },
      );
    } catch (error) {
      stopOnJournalError(id, error);
    }
  }

  /** Nothing may be sent without its decision on record: stop taking events, finish, and report. */
  function stopOnJournalError(decisionId: string, error: unknown): void {
    try {
      fatal ??= error instanceof KernelJournalError ? error : new KernelJournalError(decisionId, error);
      log.warn({ decisionId, error: describeError(error) }, 'Journal failure: the kernel stops');
    } finally {
      subscription?.unsubscribe();
      finishRun?.();
    }
  }

  async function refreshBalances(): Promise<void> {
    pushBalances(await executor.balances());
  }

  function summary(): KernelSummary {
    const counts = recorder.counts;
    return {
      runId,
      events: counters.events,
      outOfOrder: counters.outOfOrder,
      signals: counters.signals,
      alreadyDecided: counters.alreadyDecided,
      reasonerCalls: processor.reasonerCalls(),
      decisions: counts.decisions,
      trades: counts.trade,
      holds: counts.hold,
      denied: counts.denied,
      failed: counts.failed,
      superseded: counts.superseded,
      strategyErrors: counters.strategyErrors,
      signalsByStrategy: Object.fromEntries(strategies.map((strategy, lane) => [strategy.id, signalsByStrategy[lane]!])),
      firstEventTime,
      lastEventTime: firstEventTime === undefined ? undefined : lastEventTime,
      nextSeq,
    };
  }

  let subscription: Subscription | undefined;
  let finishRun: (() => void) | undefined;
  let started = false;
  let stopRequested = false;

  function claimStart(method: string): void {
    if (started) throw new KernelConfigError(method, 'a second start', 'a kernel runs once; create another for another run');
    started = true;
  }

  async function run(): Promise<KernelSummary> {
    const market$ = parameters.market$;
    if (market$ === undefined) throw new KernelConfigError('market$', 'undefined', 'run() needs market$ (or use replay(events))');
    claimStart('run');
    await refreshBalances();
    if (stopRequested) {
      end();
      return summary();
    }
    return new Promise<KernelSummary>((resolve, reject) => {
      let sourceError: unknown;
      let finished = false;
      finishRun = () => {
        if (finished) return;
        finished = true;
        void lanes.idle().then(() => {
          end();
          if (fatal !== undefined) reject(fatal);
          else if (sourceError !== undefined) reject(new MarketSourceFailedError(sourceError));
          else resolve(summary());
        });
      };
      const sub = market$.subscribe({
        next: (event) => void onEvent(event),
        error: (error: unknown) => {
          sourceError = error;
          finishRun?.();
        },
        complete: () => finishRun?.(),
      });
      // A synchronous source may have finished inside subscribe().
      if (finished) sub.unsubscribe();
      else subscription = sub;
    });
  }

  async function replay(events: ReplayEvents, options: ReplayOptions = {}): Promise<KernelSummary> {
    claimStart('replay');
    const { onProgress, afterEvent } = options;
    const progressEvery = options.progressEvery ?? 1 << 20;
    let seen = 0;
    try {
      await refreshBalances();
      if (Symbol.iterator in events) {
        // The tight loop backtests live in: no promise unless a strategy signalled.
        for (const event of events) {
          const work = onEvent(event);
          if (work !== undefined) {
            await work;
            if (fatal !== undefined) throw fatal;
          }
          afterEvent?.(event);
          if (onProgress !== undefined && ++seen % progressEvery === 0) onProgress(counters.events);
        }
      } else {
        // Each `await` of an async iterator costs a microtask turn: streamed sources yield batches, which
        // then run at the speed of the synchronous loop.
        for await (const item of events) {
          const batch: Iterable<MarketEvent> = isMarketEvent(item) ? [item] : item;
          for (const event of batch) {
            const work = onEvent(event);
            if (work !== undefined) await work;
            if (fatal !== undefined) throw fatal;
            afterEvent?.(event);
            if (onProgress !== undefined && ++seen % progressEvery === 0) onProgress(counters.events);
          }
        }
      }
      await lanes.idle();
      if (fatal !== undefined) throw fatal;
      return summary();
    } finally {
      end();
    }
  }

  /** A kernel runs once: its streams complete when the run ends. */
  function end(): void {
    recorder.end();
    published$.complete();
  }

  return {
    market: state,
    decisions$: recorder.decisions$,
    events$: published$.asObservable(),
    onEvent,
    refreshBalances,
    run,
    replay,
    stop: () => {
      stopRequested = true;
      subscription?.unsubscribe();
      subscription = undefined;
      finishRun?.();
    },
    idle: lanes.idle,
    summary,
    saveStrategyStates() {
      const saved: Record<string, unknown> = {};
      for (const strategy of strategies) {
        const value = strategy.saveState?.();
        if (value !== undefined) saved[strategy.id] = value;
      }
      return saved;
    },
    loadStrategyStates(saved) {
      for (const strategy of strategies) {
        if (saved[strategy.id] !== undefined) strategy.loadState?.(saved[strategy.id]);
      }
    },
  };
}

function isMarketEvent(item: MarketEvent | Iterable<MarketEvent>): item is MarketEvent {
  return (item as MarketEvent).kind !== undefined && !(Symbol.iterator in item);
}

function validate(parameters: CreateKernelParameters): void {
  if (typeof parameters.runId !== 'string' || parameters.runId.length === 0) {
    throw new KernelConfigError('runId', JSON.stringify(parameters.runId), 'a non-empty string is accepted');
  }
  const seconds = parameters.tradeDeadlineSeconds;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new KernelConfigError('tradeDeadlineSeconds', String(seconds), 'a positive whole number of seconds is accepted');
  }
  const firstSeq = parameters.firstSeq ?? 0;
  if (!Number.isSafeInteger(firstSeq) || firstSeq < 0) {
    throw new KernelConfigError('firstSeq', String(firstSeq), 'a non-negative integer is accepted');
  }
  const seen = new Set<string>();
  for (const strategy of parameters.strategies) {
    if (seen.has(strategy.id)) {
      throw new KernelConfigError('strategies', `the id "${strategy.id}" twice`, 'each strategy instance needs a unique id');
    }
    seen.add(strategy.id);
  }
}
