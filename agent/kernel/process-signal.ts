import type { Address, Hex } from '../model/address.js';
import type { Clock } from '../model/clock.js';
import { notSentReasons, type DecisionCompletion, type DecisionContent, type Signal, type TradeIntent, type Verdict } from '../model/decision.js';
import { decisionIdFor, reasoningHash, strategyIdFor } from '../model/decision-hash.js';
import type { ExecutionResult, Executor, KernelStrategy, MarketSnapshot, Reasoner, ReasonerOutput, RiskGate } from '../model/ports.js';
import type { DecisionOrigin, DecisionRecorder } from './decision-recorder.js';
import { describeError } from './describe-error.js';
import { KernelJournalError } from './kernel-errors.js';
import { tradeProposalProblem } from './validate-signal.js';

/** A strategy's signal waiting in its lane, with the event that triggered it. */
export type SignalJob = { signal: Signal; lane: number; trigger: string | undefined };

export type CreateSignalProcessorParameters = {
  runId: string;
  strategies: readonly KernelStrategy[];
  reasoner: Reasoner;
  riskGate: RiskGate;
  executor: Executor;
  clock: Clock;
  tradeDeadlineSeconds: number;
  recorder: DecisionRecorder;
  market: MarketSnapshot;
  /** The next decision sequence number, taken when a signal's processing starts. */
  nextSeq(): number;
  /** Hands fresh vault balances to the strategies. */
  pushBalances(balances: ReadonlyMap<Address, bigint>): void;
  /** A journal failure: the kernel stops taking events. */
  onFatal(decisionId: string, error: unknown): void;
  /** Whether the kernel has stopped on a journal failure (work in flight then records nothing more). */
  stopped(): boolean;
  log: { info(details: object, message: string): void; warn(details: object, message: string): void };
};

/**
 * A signal's whole path, as the vault and the auditor need it: balances → reasoner → intent → risk gate →
 * journal (before anything is sent) → executor → journal. Holds, denials and failures are decisions too.
 * Never rejects: a journal failure goes to `onFatal`, everything else becomes a decision.
 *
 * @example
 * const { process, superseded } = createSignalProcessor({ runId, strategies, reasoner, riskGate, executor, clock, ... });
 * await process({ signal, lane: 0, trigger });
 */
export function createSignalProcessor(parameters: CreateSignalProcessorParameters) {
  const { runId, strategies, reasoner, riskGate, executor, clock, tradeDeadlineSeconds, recorder, market, log } = parameters;
  const strategyIds = strategies.map((strategy) => strategyIdFor(strategy.id));
  let reasonerCalls = 0;

  function notSent(id: Hex, seq: number, job: SignalJob, reason: string, explanation: string): void {
    const { signal, lane, trigger } = job;
    const strategyId = strategies[lane]!.id;
    const outcome = reason === notSentReasons.superseded ? 'superseded' : 'failed';
    // Superseding is backpressure working as designed; the rest are failures someone should look at.
    if (outcome === 'superseded') log.info({ decisionId: id, strategyId, explanation }, 'Signal superseded');
    else log.warn({ decisionId: id, strategyId, reason, explanation }, 'Signal not sent');
    recorder.recordComplete(recorder.notSentContent(id, seq, signal.time, strategyId, signal, reason, explanation), { outcome, reason: `${reason}: ${explanation}` }, { lane, trigger });
  }

  async function process(job: SignalJob): Promise<void> {
    const { signal } = job;
    // Numbered when its processing starts, so lockstep replays number decisions identically every run.
    const seq = parameters.nextSeq();
    let id: Hex | undefined;
    try {
      id = decisionIdFor(runId, seq);
      let balances: ReadonlyMap<Address, bigint>;
      try {
        balances = await executor.balances();
        parameters.pushBalances(balances);
      } catch (error) {
        notSent(id, seq, job, notSentReasons.balancesUnavailable, describeError(error));
        return;
      }
      let output: ReasonerOutput;
      reasonerCalls += 1;
      try {
        output = await reasoner.propose({ signal, market, balances });
      } catch (error) {
        notSent(id, seq, job, notSentReasons.reasonerFailed, describeError(error));
        return;
      }
      if (parameters.stopped()) return;
      try {
        await decide(id, seq, job, output);
      } catch (error) {
        if (error instanceof KernelJournalError) throw error;
        // A malformed reasoner output that slipped past the checks: a failure of this decision only.
        notSent(id, seq, job, notSentReasons.invalidReasoning, describeError(error));
      }
    } catch (error) {
      // Only the journal (or an impossible sequence number) throws past the handlers above.
      parameters.onFatal(id ?? `seq ${seq}`, error);
    }
  }

  async function decide(id: Hex, seq: number, job: SignalJob, output: ReasonerOutput): Promise<void> {
    const { signal, lane, trigger } = job;
    const origin: DecisionOrigin = { lane, trigger };
    const strategyId = strategies[lane]!.id;
    const { proposal, reasoning, rejection } = output;
    const hash = reasoningHash({ model: reasoning.model, promptVersion: reasoning.promptVersion, inputsDigest: reasoning.inputsDigest, output: reasoning.rawOutput });
    const base = { id, runId, seq, time: signal.time, strategyId, signal, proposal, reasoning, reasoningHash: hash };

    if (rejection !== undefined) {
      const reason = rejection.details ? `${rejection.reason}: ${rejection.details}` : rejection.reason;
      recorder.recordComplete({ ...base, verdict: { allowed: false, reason: rejection.reason }, intent: undefined }, { outcome: 'denied', reason }, origin);
      return;
    }
    if (proposal.action === 'hold') {
      recorder.recordComplete({ ...base, verdict: { allowed: false, reason: notSentReasons.hold }, intent: undefined }, { outcome: 'hold', reason: proposal.rationale }, origin);
      return;
    }
    const problem = tradeProposalProblem(proposal);
    if (problem !== undefined) {
      // Journaled as a hold naming the problem: the malformed values may not even encode or read back as a
      // proposal (the reasoner's raw output keeps them for the audit).
      recorder.recordComplete(
        { ...base, proposal: { action: 'hold', rationale: `invalid trade proposal: ${problem}` }, verdict: { allowed: false, reason: notSentReasons.invalidProposal }, intent: undefined },
        { outcome: 'denied', reason: `${notSentReasons.invalidProposal}: ${problem}` },
        origin,
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
      recorder.recordComplete({ ...base, verdict: { allowed: false, reason: notSentReasons.riskGateFailed }, intent }, { outcome: 'failed', reason }, origin);
      return;
    }
    const content: DecisionContent = { ...base, verdict, intent };
    if (!verdict.allowed) {
      recorder.recordComplete(content, { outcome: 'denied', reason: verdict.reason }, origin);
      return;
    }

    // On record before anything is sent: a crash after this line leaves a decision to reconcile, never a
    // trade nobody can explain.
    const recordedHash = recorder.record(content, origin);
    if (recordedHash === undefined) return;
    let result: ExecutionResult;
    try {
      result = await executor.execute(intent);
    } catch (error) {
      result = { ok: false, reason: describeError(error) };
    }
    const completion: DecisionCompletion = result.ok ? { outcome: 'trade', fill: result.fill } : { outcome: 'failed', reason: result.reason, txHash: result.txHash };
    recorder.complete(content, recordedHash, completion, origin);
    if (result.ok) {
      try {
        parameters.pushBalances(await executor.balances());
      } catch (error) {
        log.warn({ decisionId: id, error: describeError(error) }, 'Could not refresh balances after a trade');
      }
    }
  }

  /** A waiting signal replaced by a newer one of the same strategy: a decision of its own, 'superseded'. */
  function superseded(job: SignalJob, by: SignalJob): void {
    if (parameters.stopped()) return;
    const seq = parameters.nextSeq();
    const strategyId = strategies[job.lane]!.id;
    try {
      notSent(
        decisionIdFor(runId, seq),
        seq,
        job,
        notSentReasons.superseded,
        `a newer signal from ${strategyId} (time ${by.signal.time}) replaced it while an earlier one was in progress`,
      );
    } catch (error) {
      parameters.onFatal('superseded', error);
    }
  }

  return { process, superseded, reasonerCalls: () => reasonerCalls };
}
