import type { PublicClient } from 'viem';
import type { Journal } from '../../journal/open-journal.js';
import { reconcilePending } from '../../journal/reconcile-pending.js';
import { fillFromExecutedTrade, historyLookups, readVaultDecisionHistory } from '../../journal/vault-journal-chain.js';
import type { Address } from '../../model/address.js';
import type { StrategyOutcome } from '../../model/ports.js';
import type { StrategyCheckpoint } from '../../journal/strategy-checkpoints.js';

/** What a crash-safe restart found and settled. */
export type ResumeReport = {
  /** The sequence number the resumed run continues at. */
  firstSeq: number;
  /** Pending decisions completed from chain facts (trade with its fill, failed, or their lost completion). */
  reconciled: number;
  /** Decisions recorded as failed that the vault had executed after all. */
  amended: number;
  /** The market block the run continues after (undefined: from the confirmed head). */
  marketCursor: bigint | undefined;
  /** Strategies whose saved state was restored. */
  restoredStrategies: string[];
};

export type ResumeInterruptedRunParameters = {
  client: PublicClient;
  journal: Journal;
  runId: string;
  agent: Address;
  vault: Address;
  vaultFromBlock: bigint;
  marketCursorName: string;
  pollIntervalMs: number;
  log: { warn(details: object, message: string): void };
};

export type ResumeInterruptedRunReturnType = {
  report: Omit<ResumeReport, 'restoredStrategies'>;
  /** The strategies' states and the block they include, when the run saved any. */
  checkpoint: StrategyCheckpoint | undefined;
  /** The outcome of a signal the run already decided, by strategy and triggering event. */
  decided(strategyId: string, trigger: string): StrategyOutcome | undefined;
  /** Which pending batches already reached the vault (the committer does not send them again). */
  findCommitted: ReturnType<typeof historyLookups>['findCommitted'];
};

/**
 * Settles what a crash left behind, from chain facts only, before a run continues: waits (at most a
 * minute) until the agent has no transaction in the node's pool, reconciles pending decisions with the
 * vault's TradeExecuted events (a trade the dead process sent may have landed), fails those that can no
 * longer execute, and reads the strategies' checkpoint and the signals already decided after it, so the
 * resumed run neither forgets nor decides twice.
 *
 * @example
 * const resumed = await resumeInterruptedRun({ client, journal, runId, agent, vault, vaultFromBlock, marketCursorName, pollIntervalMs, log });
 */
export async function resumeInterruptedRun(parameters: ResumeInterruptedRunParameters): Promise<ResumeInterruptedRunReturnType> {
  const { client, journal, runId, agent, log } = parameters;
  // A transaction the dead process sent may still be in the node's pool: wait until the agent has none
  // pending, so 'not executed' below means it never will be (the process that could send is gone).
  let nothingInPool = false;
  const waitUntil = Date.now() + 60_000;
  for (let attempt = 0; ; attempt++) {
    const [pendingNonce, latestNonce] = await Promise.all([
      client.getTransactionCount({ address: agent, blockTag: 'pending' }),
      client.getTransactionCount({ address: agent, blockTag: 'latest' }),
    ]);
    if (pendingNonce === latestNonce) {
      nothingInPool = true;
      break;
    }
    if (Date.now() > waitUntil) break;
    if (attempt === 0) log.warn({ pending: pendingNonce - latestNonce }, "Waiting for the interrupted run's transactions to be mined");
    await new Promise((resolve) => setTimeout(resolve, parameters.pollIntervalMs));
  }
  // From the vault's deploy block: a batch left pending may be older than any saved cursor.
  const history = await readVaultDecisionHistory({ client, vault: parameters.vault, fromBlock: parameters.vaultFromBlock });
  const lookups = historyLookups(history);
  const reconciled = await reconcilePending({
    journal,
    runId,
    findExecutedTrade: async (id) => {
      const trade = lookups.lookupTrade(id);
      return trade && (await fillFromExecutedTrade(client, trade));
    },
    chainTime: async () => (await client.getBlock({ blockTag: 'latest' })).timestamp,
  });
  if (!nothingInPool && reconciled.waiting.length > 0) {
    log.warn({ waiting: reconciled.waiting.map(({ id }) => id) }, 'Transactions of the interrupted run are still in the pool: their decisions stay pending until a later restart reconciles them');
  }
  // No TradeExecuted and nothing of ours left in the node's pool: these can never execute.
  for (const { id, deadline } of nothingInPool ? reconciled.waiting : []) {
    journal.decisions.complete(id, { outcome: 'failed', reason: `NotExecuted: no TradeExecuted and no transaction pending when the run resumed (deadline ${deadline})` });
  }
  journal.cursors.set('vault', { block: history.toBlock });

  const checkpoint = journal.checkpoints.load(runId);
  const decided = new Map<string, StrategyOutcome>();
  for (const decision of journal.decisions.decidedSignals(runId)) {
    const fill = decision.fill;
    const intent = decision.content.intent;
    decided.set(`${decision.strategyId}\u0000${decision.trigger}`, {
      decisionId: decision.id,
      outcome: decision.status === 'pending' ? 'failed' : decision.status,
      signal: decision.content.signal,
      reason: decision.reason,
      fill: fill !== undefined && intent !== undefined ? { tokenIn: intent.tokenIn, tokenOut: intent.tokenOut, amountIn: fill.amountIn, amountOut: fill.amountOut } : undefined,
    });
  }
  return {
    report: {
      firstSeq: journal.decisions.nextSeq(runId),
      reconciled: reconciled.completed.length + reconciled.waiting.length,
      amended: reconciled.amended.length,
      marketCursor: checkpoint?.block ?? journal.cursors.get(parameters.marketCursorName)?.block,
    },
    checkpoint,
    decided: (strategyId, trigger) => decided.get(`${strategyId}\u0000${trigger}`),
    findCommitted: lookups.findCommitted,
  };
}
