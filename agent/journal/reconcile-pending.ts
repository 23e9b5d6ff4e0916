import { notSentReasons } from '../model/decision.js';
import type { DecisionCompletion, DecisionContent, Fill } from '../model/decision.js';
import type { Hex } from '../model/address.js';
import type { DecisionStore, JournaledDecision } from './decision-store.js';

/** Why a pending trade was completed as failed by reconciliation (the reason stored in the journal). */
export const notExecutedReason = 'NotExecuted';

export type ReconcilePendingParameters = {
  journal: { decisions: Pick<DecisionStore, 'pending' | 'complete' | 'list' | 'amendFailedToTrade'> };
  /** Only this run's pending decisions; default all. */
  runId?: string | undefined;
  /**
   * The fill of a decision the vault executed (from its TradeExecuted event and receipt), or undefined if
   * the vault has no TradeExecuted for this id.
   */
  findExecutedTrade: (decisionId: Hex) => Promise<Fill | undefined>;
  /** The latest block's timestamp, unix seconds: decides whether an unexecuted intent can still land. */
  chainTime: () => Promise<bigint>;
  /**
   * The completion of a decision that was never sent (no intent, or denied), whose completion was lost in
   * the crash. Default: derived from the content (see {@link defaultCompletionFor}).
   */
  completionFor?: ((content: DecisionContent) => DecisionCompletion) | undefined;
};

export type ReconciledDecision = { id: Hex; completion: DecisionCompletion };

export type ReconcilePendingReturnType = {
  /** Decisions this call completed. */
  completed: ReconciledDecision[];
  /** Trades recorded as failed that the vault executed after all (a receipt that timed out): now trades. */
  amended: ReconciledDecision[];
  /** Trades not on-chain yet whose deadline has not passed: they may still land, so they stay pending. */
  waiting: { id: Hex; deadline: bigint }[];
};

/**
 * After a restart, settles every decision journaled but not completed, using only facts from the chain:
 * - a sent trade the vault executed is completed as a trade with its real fill;
 * - a trade intent with no TradeExecuted whose deadline is already behind the chain's clock can never
 *   execute (the vault rejects it), so it is completed as failed ({@link notExecutedReason});
 * - a trade intent whose deadline is still ahead stays pending (call again later): it may be in flight,
 *   and re-sending it is safe anyway since the vault rejects a reused decision id;
 * - a decision that was never going to be sent (hold, denial, superseded...) gets its completion back;
 * - a trade recorded as failed that the vault executed after all becomes the trade it is.
 *
 * @example
 * const { completed, waiting } = await reconcilePending({ journal, runId,
 *   findExecutedTrade: (id) => readFillFromTradeExecuted(id), chainTime: async () => (await client.getBlock()).timestamp });
 */
export async function reconcilePending(parameters: ReconcilePendingParameters): Promise<ReconcilePendingReturnType> {
  const { journal, findExecutedTrade, chainTime } = parameters;
  const completionFor = parameters.completionFor ?? defaultCompletionFor;
  const completed: ReconciledDecision[] = [];
  const amended: ReconciledDecision[] = [];
  const waiting: ReconcilePendingReturnType['waiting'] = [];
  let now: bigint | undefined;

  for (const decision of journal.decisions.pending(parameters.runId)) {
    const { content } = decision;
    let completion: DecisionCompletion | undefined;
    if (wouldBeSent(decision)) {
      const fill = await findExecutedTrade(decision.id);
      if (fill) completion = { outcome: 'trade', fill };
      else {
        // Read the chain time after the lookup: an intent that lands in between is then seen as executed.
        now ??= await chainTime();
        const deadline = content.intent!.deadline;
        if (now > deadline) {
          completion = {
            outcome: 'failed',
            reason: `${notExecutedReason}: no TradeExecuted and the deadline ${deadline} passed (chain time ${now}) before the restart`,
          };
        } else waiting.push({ id: decision.id, deadline });
      }
    } else completion = completionFor(content);
    if (completion) {
      journal.decisions.complete(decision.id, completion);
      completed.push({ id: decision.id, completion });
    }
  }
  for (const decision of journal.decisions.list({ runId: parameters.runId, status: 'failed' })) {
    if (!wouldBeSent(decision)) continue;
    const fill = await findExecutedTrade(decision.id);
    if (!fill) continue;
    journal.decisions.amendFailedToTrade(decision.id, fill);
    amended.push({ id: decision.id, completion: { outcome: 'trade', fill } });
  }
  return { completed, amended, waiting };
}

function wouldBeSent(decision: JournaledDecision): boolean {
  return decision.content.intent !== undefined && decision.content.verdict.allowed;
}

const kernelFailureReasons: ReadonlySet<string> = new Set(
  Object.values(notSentReasons).filter((reason) => reason !== notSentReasons.superseded),
);

/**
 * The completion of a never-sent decision, from its content alone, matching what the kernel would have
 * written: an allowed decision without intent is a hold; a risk-gate denial (an intent that was not
 * allowed) is denied; a record the kernel made when it could not proceed (its notSentReasons) is
 * superseded or failed; any other refusal (the reasoner's output was rejected) is denied.
 *
 * @example
 * defaultCompletionFor(content); // { outcome: 'denied', reason: 'TradeValueExceedsCap' }
 */
export function defaultCompletionFor(content: DecisionContent): DecisionCompletion {
  const { verdict, intent } = content;
  if (verdict.allowed) return { outcome: 'hold', reason: content.proposal.rationale };
  if (verdict.reason === notSentReasons.superseded) return { outcome: 'superseded', reason: verdict.reason };
  if (verdict.reason === notSentReasons.riskGateFailed || (!intent && kernelFailureReasons.has(verdict.reason))) {
    return { outcome: 'failed', reason: verdict.reason };
  }
  return { outcome: 'denied', reason: verdict.reason };
}
