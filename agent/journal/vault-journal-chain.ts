import type { Chain, PublicClient, Transport, WalletClient, Account } from 'viem';
import { mandateVaultAbi } from '../chain/generated/MandateVault.js';
import { getVaultEvents, vaultEventsOf } from '../chain/vault/vault-events.js';
import type { Fill } from '../model/decision.js';
import type { Address, Hex } from '../model/address.js';
import { BatchError } from './journal-errors.js';
import type { CommitDecisions, CommittedBatchReceipt, FindCommittedRoot } from './merkle-batches.js';
import { verifyJournal, type OnchainTrade, type VerifyJournalParameters, type VerifyJournalReturnType } from './verify-journal.js';

/** A TradeExecuted as read from the chain, with where it happened. */
export type ExecutedTrade = OnchainTrade & {
  minAmountOutUsed: bigint;
  valueUsd: bigint;
  txHash: Hex;
  block: bigint;
};

/** Everything the vault has said about decisions in a block range. */
export type VaultDecisionHistory = {
  trades: ReadonlyMap<Hex, ExecutedTrade>;
  /** Committed roots → where they were committed. */
  roots: ReadonlyMap<Hex, CommittedBatchReceipt & { count: number }>;
  /** The last block scanned (a cursor for the next scan). */
  toBlock: bigint;
};

export type ReadVaultDecisionHistoryParameters = {
  client: PublicClient;
  vault: Address;
  /** The vault's deploy block (or a saved cursor + 1). */
  fromBlock: bigint;
  /** Default: the latest block. */
  toBlock?: bigint | undefined;
  /** Blocks per eth_getLogs call; public RPCs cap ranges. Default 10 000. */
  blockRange?: bigint | undefined;
};

/**
 * Reads every TradeExecuted and DecisionsCommitted of a vault in a block range, in chunks, so that
 * verification and restart reconciliation make a handful of RPC calls instead of one per decision.
 *
 * @example
 * const history = await readVaultDecisionHistory({ client, vault, fromBlock: manifest.startBlock });
 * const report = await verifyJournal({ journal, ...historyLookups(history) });
 */
export async function readVaultDecisionHistory(parameters: ReadVaultDecisionHistoryParameters): Promise<VaultDecisionHistory> {
  const { client, vault } = parameters;
  // cacheTime 0: viem otherwise serves a block number up to pollingInterval old, and a scan right after a
  // commit would stop before it.
  const toBlock = parameters.toBlock ?? (await client.getBlockNumber({ cacheTime: 0 }));
  const step = parameters.blockRange ?? 10_000n;
  const trades = new Map<Hex, ExecutedTrade>();
  const roots = new Map<Hex, CommittedBatchReceipt & { count: number }>();
  for (let from = parameters.fromBlock; from <= toBlock; from += step) {
    const to = from + step - 1n < toBlock ? from + step - 1n : toBlock;
    const events = await getVaultEvents({ client, vault, eventNames: ['TradeExecuted', 'DecisionsCommitted'], fromBlock: from, toBlock: to });
    for (const event of events) {
      if (event.eventName === 'TradeExecuted') {
        const { args } = event;
        trades.set(args.decisionId, { ...args, txHash: event.transactionHash, block: event.blockNumber });
      } else {
        const { args } = event;
        roots.set(args.root, {
          txHash: event.transactionHash,
          block: event.blockNumber,
          onchainIndex: Number(args.batch),
          prevRoot: args.prevRoot,
          count: args.count,
        });
      }
    }
  }
  return { trades, roots, toBlock };
}

/**
 * The lookups verifyJournal and the batch committer take, answered from a history read once.
 *
 * @example
 * const { lookupTrade, isRootCommitted } = historyLookups(history);
 */
export function historyLookups(history: VaultDecisionHistory): {
  lookupTrade: (decisionId: Hex) => ExecutedTrade | undefined;
  isRootCommitted: (root: Hex) => boolean;
  findCommitted: FindCommittedRoot;
} {
  return {
    lookupTrade: (decisionId) => history.trades.get(decisionId.toLowerCase() as Hex),
    isRootCommitted: (root) => history.roots.has(root.toLowerCase() as Hex),
    findCommitted: async (root) => history.roots.get(root.toLowerCase() as Hex),
  };
}

/**
 * The fill of an executed trade, from its event and its receipt (gas), for restart reconciliation.
 *
 * @example
 * const fill = trade && (await fillFromExecutedTrade(client, trade));
 */
export async function fillFromExecutedTrade(client: PublicClient, trade: ExecutedTrade): Promise<Fill> {
  const receipt = await client.getTransactionReceipt({ hash: trade.txHash });
  return {
    txHash: trade.txHash,
    block: trade.block,
    amountIn: trade.amountIn,
    amountOut: trade.amountOut,
    minAmountOutUsed: trade.minAmountOutUsed,
    valueUsd: trade.valueUsd,
    gasUsed: receipt.gasUsed,
    effectiveGasPrice: receipt.effectiveGasPrice,
  };
}

export type CreateVaultCommitParameters = {
  client: PublicClient;
  /** The agent's wallet: only the agent may commit. */
  wallet: WalletClient<Transport, Chain, Account>;
  vault: Address;
};

/**
 * The real `vault.commitDecisions` for the batch committer: sends, waits for the receipt, and reads the
 * vault's batch number and prevRoot from its DecisionsCommitted event.
 *
 * @example
 * const committer = createBatchCommitter({ journal, vault, clock, policy, commit: createVaultCommit({ client, wallet, vault }) });
 */
export function createVaultCommit(parameters: CreateVaultCommitParameters): CommitDecisions {
  const { client, wallet, vault } = parameters;
  return async ({ root, count }) => {
    const txHash = await wallet.writeContract({ address: vault, abi: mandateVaultAbi, functionName: 'commitDecisions', args: [root, count] });
    const receipt = await client.waitForTransactionReceipt({ hash: txHash });
    if (receipt.status !== 'success') {
      throw new BatchError('commitDecisions reverted.', { details: `Transaction ${txHash} for root ${root} (${count} decisions) reverted; the batch stays pending.` });
    }
    const [event] = vaultEventsOf(receipt, { vault, eventNames: ['DecisionsCommitted'] });
    return {
      txHash,
      block: receipt.blockNumber,
      onchainIndex: event ? Number(event.args.batch) : undefined,
      prevRoot: event?.args.prevRoot,
    };
  };
}

export type VerifyJournalAgainstVaultParameters = ReadVaultDecisionHistoryParameters & {
  journal: VerifyJournalParameters['journal'];
  runId?: string | undefined;
};

/**
 * `mandate decisions verify` in one call: reads the vault's events once, then verifies every decision of
 * the journal (or of one run) against them.
 *
 * @example
 * const report = await verifyJournalAgainstVault({ journal, client, vault, fromBlock: BigInt(manifest.startBlock) });
 * console.log(report.verified === report.decisions ? 'all verified' : report.details.filter((d) => d.result !== 'verified'));
 */
export async function verifyJournalAgainstVault(parameters: VerifyJournalAgainstVaultParameters): Promise<VerifyJournalReturnType> {
  const history = await readVaultDecisionHistory(parameters);
  const { lookupTrade, isRootCommitted } = historyLookups(history);
  return verifyJournal({ journal: parameters.journal, runId: parameters.runId, lookupTrade, isRootCommitted });
}
