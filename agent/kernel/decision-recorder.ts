import { Subject, type Observable } from 'rxjs';
import { canonicalJson, CanonicalJsonError } from '../model/canonical-json.js';
import type { Hex } from '../model/address.js';
import { notSentReasons, type DecisionCompletion, type DecisionContent, type DecisionOutcome, type Proposal, type ReasoningRecord, type RecordedDecision, type Signal } from '../model/decision.js';
import { reasoningHash } from '../model/decision-hash.js';
import { keccak256Hex } from '../model/keccak.js';
import type { DecisionJournal, KernelStrategy, StrategyOutcome } from '../model/ports.js';
import { describeError } from './describe-error.js';
import { KernelJournalError } from './kernel-errors.js';

/** Decisions per outcome, counted as they complete. */
export type DecisionCounts = Record<DecisionOutcome, number> & { decisions: number };

/** Where a decision came from: its strategy's lane and the market event whose signal led to it. */
export type DecisionOrigin = { lane: number; trigger: string | undefined };

export type CreateDecisionRecorderParameters = {
  runId: string;
  journal: DecisionJournal;
  /** The strategies, by lane: each hears the outcomes of its own decisions. */
  strategies: readonly KernelStrategy[];
  /** Named in the reasoning record of decisions that were never reasoned (failures before the reasoner). */
  reasonerName: 'rules' | 'llm';
  log: { warn(details: object, message: string): void };
};

export type DecisionRecorder = ReturnType<typeof createDecisionRecorder>;

/**
 * The one place decisions are journaled and announced: `record` before anything is sent, `complete` with
 * the outcome, then the fan-out (the counts, `decisions$`, and the strategy that asked, through
 * `onOutcome`). A decision canonical JSON cannot encode (a reasoner put NaN in it) is replaced by a failed
 * decision naming the problem instead of stopping the agent; any other journal failure throws
 * KernelJournalError, because nothing may happen off the record.
 *
 * @example
 * const recorder = createDecisionRecorder({ runId, journal, strategies, reasonerName: 'rules', log });
 * recorder.recordComplete(content, { outcome: 'hold', reason: 'flat' }, { lane: 0, trigger });
 */
export function createDecisionRecorder(parameters: CreateDecisionRecorderParameters) {
  const { runId, journal, strategies, reasonerName, log } = parameters;
  const decisions$ = new Subject<RecordedDecision>();
  const counts: DecisionCounts = { decisions: 0, trade: 0, hold: 0, denied: 0, failed: 0, superseded: 0 };

  /** journal.record; undefined when the decision could not be encoded and a failed one stands in its place. */
  function record(content: DecisionContent, origin: DecisionOrigin): Hex | undefined {
    try {
      return journal.record(content, origin.trigger);
    } catch (error) {
      if (!(error instanceof CanonicalJsonError)) throw new KernelJournalError(content.id, error);
      const reason = `${notSentReasons.unencodable}: ${error.shortMessage} ${error.details ?? ''}`.trim();
      log.warn({ decisionId: content.id, reason }, 'A decision could not be encoded; recorded as failed');
      const replacement = notSentContent(content.id, content.seq, content.time, content.strategyId, undefined, notSentReasons.unencodable, reason);
      let hash: Hex;
      try {
        hash = journal.record(replacement, origin.trigger);
      } catch (second) {
        throw new KernelJournalError(content.id, second);
      }
      complete(replacement, hash, { outcome: 'failed', reason }, origin);
      return undefined;
    }
  }

  function complete(content: DecisionContent, hash: Hex, completion: DecisionCompletion, origin: DecisionOrigin): void {
    try {
      journal.complete(content.id, completion);
    } catch (error) {
      throw new KernelJournalError(content.id, error);
    }
    counts.decisions += 1;
    counts[completion.outcome] += 1;
    const strategy = strategies[origin.lane];
    if (strategy?.onOutcome !== undefined) {
      try {
        strategy.onOutcome(outcomeOf(content, completion));
      } catch (error) {
        // Strategy code: its failure to listen must not lose the decision or stop the agent.
        log.warn({ decisionId: content.id, strategyId: strategy.id, error: describeError(error) }, 'A strategy\'s onOutcome threw');
      }
    }
    if (decisions$.observed) decisions$.next({ content, hash, completion });
  }

  /** Journals a decision that is complete as soon as it is recorded (everything but an executed trade). */
  function recordComplete(content: DecisionContent, completion: DecisionCompletion, origin: DecisionOrigin): void {
    const hash = record(content, origin);
    if (hash !== undefined) complete(content, hash, completion, origin);
  }

  /** The content of a decision nothing was reasoned for (a failure before or around the reasoner). */
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
    const reasoning: ReasoningRecord = { reasoner: reasonerName, model: 'none', promptVersion: 'none', inputsDigest: digestOf(inputs), rawOutput: '' };
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

  return {
    record,
    complete,
    recordComplete,
    notSentContent,
    counts,
    /** Each decision once journaled and completed. */
    decisions$: decisions$.asObservable() as Observable<RecordedDecision>,
    /** Ends `decisions$`: a kernel runs once. */
    end: () => decisions$.complete(),
  };
}

/** What a strategy hears about one of its decisions. */
export function outcomeOf(content: DecisionContent, completion: DecisionCompletion): StrategyOutcome {
  const intent = content.intent;
  return {
    decisionId: content.id,
    outcome: completion.outcome,
    signal: content.signal,
    reason: completion.outcome === 'trade' ? undefined : completion.reason,
    fill:
      completion.outcome === 'trade' && intent !== undefined
        ? { tokenIn: intent.tokenIn, tokenOut: intent.tokenOut, amountIn: completion.fill.amountIn, amountOut: completion.fill.amountOut }
        : undefined,
  };
}

function digestOf(inputs: unknown): Hex {
  try {
    return keccak256Hex(canonicalJson(inputs));
  } catch {
    return keccak256Hex('unencodable');
  }
}
