import { Subject, from, type Observable, type Subscription } from 'rxjs';
import { canonicalJson } from '../model/canonical-json.js';
import { keccak256Hex } from '../model/keccak.js';
import { decisionIdFor, reasoningHash, strategyIdFor } from '../model/decision-hash.js';
import type { Address, Hex } from '../model/address.js';
import type { MarketEvent } from '../model/market-event.js';
import type { Clock, VirtualClock } from '../model/clock.js';
import { KernelConfigError, KernelJournalError, MarketSourceFailedError } from './kernel-errors.js';
import { latestWhileBusy } from './latest-while-busy.js';
import { MarketState } from '../market/market-state.js';
import { notSentReasons } from '../model/decision.js';
import type { DecisionCompletion, DecisionContent, Proposal, ReasoningRecord, RecordedDecision, Signal, TradeIntent, Verdict } from '../model/decision.js';
import type { DecisionJournal, Executor, ExecutionResult, KernelStrategy, MarketSnapshot, Reasoner, ReasonerOutput, RiskGate } from '../model/ports.js';

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
  log?: KernelLogger | undefined;
};

/** Counts of what a run did; `run()` and `replay()` resolve with it. */
export type KernelSummary = {
  runId: string;
  /** Market events applied to the state (out-of-order ones excluded). */
  events: number;
  /** Events dropped because their time was before the previous event's. */
  outOfOrder: number;
  /** Signals emitted by strategies (valid ones). */
  signals: number;
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
export type ReplayEvents = Iterable<MarketEvent> | AsyncIterable<MarketEvent | readonly MarketEvent[]>;

export type ReplayOptions = {
  /** Called every `progressEvery` events (default 1,048,576) with the number applied so far. */
  onProgress?: ((events: number) => void) | undefined;
  progressEvery?: number | undefined;
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
};

type SignalJob = { signal: Signal; lane: number };

const noopLogger: KernelLogger = { info: () => undefined, warn: () => undefined };

/**
 * Builds the pipeline that turns market events into journaled decisions: market state → strategies →
 * reasoner (only on a signal) → trade intent → risk gate → journal.record → executor → journal.complete.
 * Holds, denials, failures and superseded signals are decisions too. The same kernel runs live
 * (`run()` over `market$`) and in backtests (`replay()` over an array or stream, on a virtual clock).
 *
 * @example
 * const kernel = createKernel({ runId, strategies, reasoner, riskGate, executor, journal, clock: systemClock,
 *   tradeDeadlineSeconds: 300, market$ });
 * kernel.decisions$.subscribe((d) => console.log(d.completion.outcome, d.content.proposal));
 * const summary = await kernel.run();
 */
export function createKernel(parameters: CreateKernelParameters): Kernel {
  const { runId, reasoner, riskGate, executor, journal, clock, tradeDeadlineSeconds } = parameters;
  const strategies = [...parameters.strategies];
  const log = parameters.log ?? noopLogger;
  validate(parameters);

  const virtualClock = 'advanceTo' in clock && typeof clock.advanceTo === 'function' ? clock : undefined;
  const state = new MarketState();
  const decisions$ = new Subject<RecordedDecision>();
  const published$ = new Subject<MarketSnapshot>();
  const strategyIds = strategies.map((strategy) => strategyIdFor(strategy.id));
  const failing = strategies.map(() => false);

  const counters = {
    events: 0,
    outOfOrder: 0,
    signals: 0,
    reasonerCalls: 0,
    decisions: 0,
    trade: 0,
    hold: 0,
    denied: 0,
    failed: 0,
    superseded: 0,
    strategyErrors: 0,
  };
  let nextSeq = parameters.firstSeq ?? 0;
  let firstEventTime: number | undefined;
  let lastEventTime = Number.NEGATIVE_INFINITY;
  let fatal: KernelJournalError | undefined;

  // Signals handed to a lane and not yet finished or superseded; `idle()` waits for 0.
  let pending = 0;
  let idleWaiters: (() => void)[] = [];
  const settle = (): void => {
    pending -= 1;
    if (pending === 0 && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };
  const idle = (): Promise<void> =>
    pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve));

  // One lane per strategy: one signal in progress, at most one waiting (latest wins).
  const lanes = strategies.map(() => new Subject<SignalJob>());
  for (const lane of lanes) {
    lane
      .pipe(
        latestWhileBusy(
          (job: SignalJob) => from(processSignal(job)),
          (superseded, by) => recordSuperseded(superseded, by),
        ),
      )
      .subscribe();
  }

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

    let signalled = false;
    for (let lane = 0; lane < strategies.length; lane++) {
      let signal: Signal | undefined;
      try {
        signal = strategies[lane]!.onMarket(state);
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
      pending += 1;
      signalled = true;
      lanes[lane]!.next({ signal, lane });
    }
    return signalled ? idle() : undefined;
  }

  async function processSignal(job: SignalJob): Promise<void> {
    const { signal, lane } = job;
    // Numbered when its processing starts, so lockstep replays number decisions identically every run.
    const seq = nextSeq++;
    const strategyId = strategies[lane]!.id;
    let id: Hex | undefined;
    try {
      id = decisionIdFor(runId, seq);
      let balances: ReadonlyMap<Address, bigint>;
      try {
        balances = await executor.balances();
        pushBalances(balances);
      } catch (error) {
        recordNotSent(id, seq, signal.time, strategyId, signal, notSentReasons.balancesUnavailable, describeError(error));
        return;
      }

      let output: ReasonerOutput;
      counters.reasonerCalls += 1;
      try {
        output = await reasoner.propose({ signal, market: state, balances });
      } catch (error) {
        recordNotSent(id, seq, signal.time, strategyId, signal, notSentReasons.reasonerFailed, describeError(error));
        return;
      }
      if (fatal !== undefined) return;
      try {
        await decide(id, seq, lane, signal, output);
      } catch (error) {
        if (error instanceof KernelJournalError) throw error;
        // A malformed reasoner output that slipped past the checks: a failure of this decision only.
        recordNotSent(id, seq, signal.time, strategyId, signal, notSentReasons.invalidReasoning, describeError(error));
      }
    } catch (error) {
      // Only the journal (or an impossible sequence number) throws past the handlers above.
      stopOnJournalError(id ?? `seq ${seq}`, error);
    } finally {
      settle();
    }
  }

  async function decide(id: Hex, seq: number, lane: number, signal: Signal, output: ReasonerOutput): Promise<void> {
    const strategyId = strategies[lane]!.id;
    const { proposal, reasoning, rejection } = output;
    const hash = reasoningHash({
      model: reasoning.model,
      promptVersion: reasoning.promptVersion,
      inputsDigest: reasoning.inputsDigest,
      output: reasoning.rawOutput,
    });
    const base = { id, runId, seq, time: signal.time, strategyId, signal, proposal, reasoning, reasoningHash: hash };

    if (rejection !== undefined) {
      const reason = rejection.details ? `${rejection.reason}: ${rejection.details}` : rejection.reason;
      record({ ...base, verdict: { allowed: false, reason: rejection.reason }, intent: undefined }, { outcome: 'denied', reason });
      return;
    }
    if (proposal.action === 'hold') {
      record(
        { ...base, verdict: { allowed: false, reason: notSentReasons.hold }, intent: undefined },
        { outcome: 'hold', reason: proposal.rationale },
      );
      return;
    }
    const problem = tradeProposalProblem(proposal);
    if (problem !== undefined) {
      // Journaled as a hold naming the problem: the malformed values may not even encode or read back as
      // a proposal (the reasoner's raw output keeps them for the audit).
      record(
        {
          ...base,
          proposal: { action: 'hold', rationale: `invalid trade proposal: ${problem}` },
          verdict: { allowed: false, reason: notSentReasons.invalidProposal },
          intent: undefined,
        },
        { outcome: 'denied', reason: `${notSentReasons.invalidProposal}: ${problem}` },
      );
      return;
    }

    const nowSeconds = Math.floor(clock.now() / 1000);
    const intent: TradeIntent = {
      decisionId: id,
      strategyId: strategyIds[lane]!,
      reasoningHash: hash,
      tokenIn: proposal.tokenIn,
      tokenOut: proposal.tokenOut,
      fee: proposal.fee,
      amountIn: proposal.amountIn,
      minAmountOut: proposal.minAmountOut,
      deadline: BigInt(nowSeconds + tradeDeadlineSeconds),
    };
    let verdict: Verdict;
    try {
      verdict = riskGate.check(intent, { time: nowSeconds });
    } catch (error) {
      const reason = `${notSentReasons.riskGateFailed}: ${describeError(error)}`;
      record({ ...base, verdict: { allowed: false, reason: notSentReasons.riskGateFailed }, intent }, { outcome: 'failed', reason });
      return;
    }
    const content: DecisionContent = { ...base, verdict, intent };
    if (!verdict.allowed) {
      record(content, { outcome: 'denied', reason: verdict.reason });
      return;
    }

    // On record before anything is sent: a crash after this line leaves a decision to reconcile, never a
    // trade nobody can explain.
    const recordedHash = journalRecord(content);
    if (recordedHash === undefined) return;
    let result: ExecutionResult;
    try {
      result = await executor.execute(intent);
    } catch (error) {
      result = { ok: false, reason: describeError(error) };
    }
    const completion: DecisionCompletion = result.ok
      ? { outcome: 'trade', fill: result.fill }
      : { outcome: 'failed', reason: result.reason, txHash: result.txHash };
    journalComplete(content, recordedHash, completion);
    if (result.ok) {
      try {
        pushBalances(await executor.balances());
      } catch (error) {
        log.warn({ decisionId: id, error: describeError(error) }, 'Could not refresh balances after a trade');
      }
    }
  }

  /** Journals a decision that is complete as soon as it is recorded (everything but an executed trade). */
  function record(content: DecisionContent, completion: DecisionCompletion): void {
    const hash = journalRecord(content);
    if (hash !== undefined) journalComplete(content, hash, completion);
  }

  /**
   * journal.record, except that a decision canonical JSON cannot encode (a reasoner put NaN in its
   * record...) is replaced by a failed decision naming the problem instead of stopping the agent.
   */
  function journalRecord(content: DecisionContent): Hex | undefined {
    try {
      return journal.record(content);
    } catch (error) {
      if (!(error instanceof Error && error.name === 'CanonicalJsonError')) throw new KernelJournalError(content.id, error);
      const reason = `${notSentReasons.unencodable}: ${describeError(error)}`;
      log.warn({ decisionId: content.id, reason }, 'A decision could not be encoded; recorded as failed');
      const replacement = notSentContent(content.id, content.seq, content.time, content.strategyId, undefined, notSentReasons.unencodable, reason);
      let hash: Hex;
      try {
        hash = journal.record(replacement);
      } catch (second) {
        throw new KernelJournalError(content.id, second);
      }
      journalComplete(replacement, hash, { outcome: 'failed', reason });
      return undefined;
    }
  }

  function journalComplete(content: DecisionContent, hash: Hex, completion: DecisionCompletion): void {
    try {
      journal.complete(content.id, completion);
    } catch (error) {
      throw new KernelJournalError(content.id, error);
    }
    counters.decisions += 1;
    counters[completion.outcome] += 1;
    decisions$.next({ content, hash, completion });
  }

  function notSentContent(
    id: Hex,
    seq: number,
    time: number,
    strategyId: string,
    signal: Signal | undefined,
    reason: string,
    explanation: string,
    inputs: unknown = { signal },
  ): DecisionContent {
    // Nothing was reasoned: the record still says which reasoner was configured and what it would have seen.
    const reasoning: ReasoningRecord = {
      reasoner: reasoner.name,
      model: 'none',
      promptVersion: 'none',
      inputsDigest: digestOf(inputs),
      rawOutput: '',
    };
    const proposal: Proposal = { action: 'hold', rationale: explanation };
    return {
      id,
      runId,
      seq,
      time,
      strategyId,
      signal,
      proposal,
      reasoning,
      reasoningHash: reasoningHash({ model: 'none', promptVersion: 'none', inputsDigest: reasoning.inputsDigest, output: '' }),
      verdict: { allowed: false, reason },
      intent: undefined,
    };
  }

  function recordNotSent(id: Hex, seq: number, time: number, strategyId: string, signal: Signal, reason: string, explanation: string): void {
    const outcome = reason === notSentReasons.superseded ? 'superseded' : 'failed';
    // Superseding is backpressure working as designed; the rest are failures someone should look at.
    if (outcome === 'superseded') log.info({ decisionId: id, strategyId, explanation }, 'Signal superseded');
    else log.warn({ decisionId: id, strategyId, reason, explanation }, 'Signal not sent');
    record(notSentContent(id, seq, time, strategyId, signal, reason, explanation), { outcome, reason: `${reason}: ${explanation}` });
  }

  function recordSuperseded(superseded: SignalJob, by: SignalJob): void {
    try {
      if (fatal === undefined) {
        const seq = nextSeq++;
        const strategyId = strategies[superseded.lane]!.id;
        recordNotSent(
          decisionIdFor(runId, seq),
          seq,
          superseded.signal.time,
          strategyId,
          superseded.signal,
          notSentReasons.superseded,
          `a newer signal from ${strategyId} (time ${by.signal.time}) replaced it while an earlier one was in progress`,
        );
      }
    } catch (error) {
      stopOnJournalError('superseded', error);
    } finally {
      settle();
    }
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
      record(
        notSentContent(id, seq, event.time, strategyId, undefined, notSentReasons.strategyFailed, explanation, { event }),
        { outcome: 'failed', reason: `${notSentReasons.strategyFailed}: ${explanation}` },
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

  function pushBalances(balances: ReadonlyMap<Address, bigint>): void {
    for (const strategy of strategies) strategy.setBalances?.(balances);
  }

  async function refreshBalances(): Promise<void> {
    pushBalances(await executor.balances());
  }

  function summary(): KernelSummary {
    return {
      runId,
      events: counters.events,
      outOfOrder: counters.outOfOrder,
      signals: counters.signals,
      reasonerCalls: counters.reasonerCalls,
      decisions: counters.decisions,
      trades: counters.trade,
      holds: counters.hold,
      denied: counters.denied,
      failed: counters.failed,
      superseded: counters.superseded,
      strategyErrors: counters.strategyErrors,
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
        void idle().then(() => {
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

  async function replay(
    events: ReplayEvents,
    options: ReplayOptions = {},
  ): Promise<KernelSummary> {
    claimStart('replay');
    const onProgress = options.onProgress;
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
          if (onProgress !== undefined && ++seen % progressEvery === 0) onProgress(counters.events);
        }
      } else {
        // Each `await` of an async iterator costs a microtask turn: streamed sources should yield
        // batches (arrays), which are then run at the speed of the synchronous loop.
        for await (const item of events) {
          const batch = Array.isArray(item) ? (item as readonly MarketEvent[]) : [item as MarketEvent];
          for (const event of batch) {
            const work = onEvent(event);
            if (work !== undefined) await work;
            if (fatal !== undefined) throw fatal;
            if (onProgress !== undefined && ++seen % progressEvery === 0) onProgress(counters.events);
          }
        }
      }
      await idle();
      if (fatal !== undefined) throw fatal;
      return summary();
    } finally {
      end();
    }
  }

  /** A kernel runs once: its streams complete when the run ends. */
  function end(): void {
    decisions$.complete();
    published$.complete();
  }

  return {
    market: state,
    decisions$: decisions$.asObservable(),
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
    idle,
    summary,
  };
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

/** Why a signal cannot be processed (it would not even encode in the journal), or undefined if fine. */
function signalProblem(signal: Signal): string | undefined {
  if (signal.side !== 'buy' && signal.side !== 'sell') return `side ${JSON.stringify(signal.side)} (accepted: "buy", "sell")`;
  if (typeof signal.strength !== 'number' || !(signal.strength >= 0 && signal.strength <= 1)) {
    return `strength ${String(signal.strength)} (accepted: a number from 0 to 1)`;
  }
  if (typeof signal.time !== 'number' || !Number.isFinite(signal.time)) return `time ${String(signal.time)} (accepted: unix seconds)`;
  if (typeof signal.reason !== 'string') return 'reason is not a string';
  if (signal.sizeQuote !== undefined && (typeof signal.sizeQuote !== 'string' || !/^\d+(\.\d+)?$/.test(signal.sizeQuote))) {
    return `sizeQuote ${JSON.stringify(signal.sizeQuote)} (accepted: a non-negative decimal string such as "250.5")`;
  }
  return undefined;
}

const addressPattern = /^0x[0-9a-fA-F]{40}$/;

/** Why a trade proposal cannot become a TradeIntent, or undefined if it can. */
function tradeProposalProblem(proposal: Extract<Proposal, { action: 'trade' }>): string | undefined {
  if (typeof proposal.tokenIn !== 'string' || !addressPattern.test(proposal.tokenIn)) return `tokenIn ${String(proposal.tokenIn)} is not an address`;
  if (typeof proposal.tokenOut !== 'string' || !addressPattern.test(proposal.tokenOut)) return `tokenOut ${String(proposal.tokenOut)} is not an address`;
  if (proposal.tokenIn.toLowerCase() === proposal.tokenOut.toLowerCase()) return 'tokenIn equals tokenOut';
  if (!Number.isInteger(proposal.fee) || proposal.fee < 0 || proposal.fee >= 2 ** 24) return `fee ${String(proposal.fee)} is not a uint24`;
  if (typeof proposal.amountIn !== 'bigint' || proposal.amountIn <= 0n) return `amountIn ${String(proposal.amountIn)} is not a positive bigint`;
  if (typeof proposal.minAmountOut !== 'bigint' || proposal.minAmountOut < 0n) {
    return `minAmountOut ${String(proposal.minAmountOut)} is not a non-negative bigint`;
  }
  if (proposal.amountIn >= 2n ** 256n || proposal.minAmountOut >= 2n ** 256n) return 'an amount does not fit a uint256';
  return undefined;
}

function digestOf(inputs: unknown): Hex {
  try {
    return keccak256Hex(canonicalJson(inputs));
  } catch {
    return keccak256Hex('unencodable');
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const short = (error as { shortMessage?: unknown }).shortMessage;
    const details = (error as { details?: unknown }).details;
    const head = typeof short === 'string' ? short : error.message;
    return typeof details === 'string' && details.length > 0 && !head.includes(details) ? `${head} ${details}` : head;
  }
  return String(error);
}
