import { createPublicClient, http, type PublicClient } from 'viem';
import type { StoredBatch } from '../../journal/batch-store.js';
import { journaledDecisionFrom, type JournaledDecision } from '../../journal/decision-store.js';
import type { CommittedBatchReceipt } from '../../journal/merkle-batches.js';
import { historyLookups, readVaultDecisionHistory, type ExecutedTrade } from '../../journal/vault-journal-chain.js';
import { verifyJournal, type DecisionVerification } from '../../journal/verify-journal.js';
import type { Address, Hex } from '../../model/address.js';
import { decisionHash } from '../../model/decision-hash.js';
import type { ConsoleBatch, ConsoleRecord } from '../console-types.js';

/** What the page shows on a row: verified, mismatched (false) or not on-chain yet (pending). */
export type RowVerdict = 'true' | 'false' | 'pending';

/**
 * The result of `verifyJournal` as a row attribute: 'verified' is true, 'mismatched' false, and
 * 'uncommitted' (or 'unchecked', which cannot happen with both lookups given) pending.
 *
 * @example
 * row.dataset.verified = rowVerdict(result);
 */
export function rowVerdict(result: DecisionVerification): RowVerdict {
  return result.result === 'verified' ? 'true' : result.result === 'mismatched' ? 'false' : 'pending';
}

export type ChainVerifier = {
  /** The RPC's chain id (the page refuses to verify against another chain than the journal's). */
  chainId(): Promise<number>;
  /** Reads the vault's TradeExecuted and DecisionsCommitted events since the last read. */
  refresh(): Promise<void>;
  /** Verifies records against what was read, with their batches: exactly `mandate decisions verify`'s checks. */
  verify(records: readonly ConsoleRecord[], batches: ReadonlyMap<number, ConsoleBatch>): Promise<DecisionVerification[]>;
};

/**
 * Verification in the browser against the chain, with the journal's own code: the record becomes a
 * JournaledDecision through the journal's own function, and `verifyJournal` recomputes its keccak256 from
 * its canonical JSON (the model's encoder), checks a trade against its TradeExecuted event (decision id,
 * strategy id, reasoning hash, tokens, fee, amounts, tx) and anything else against its Merkle proof
 * (OpenZeppelin standard tree) and the batch root the vault committed. The vault's events are read with
 * viem, from the RPC the page talks to, once and then incrementally.
 *
 * @example
 * const verifier = createChainVerifier({ rpcUrl: 'rpc', vault, fromBlock: 0n });
 * await verifier.refresh();
 * const results = await verifier.verify(records, batches);
 */
export function createChainVerifier(parameters: { rpcUrl: string; vault: Address; fromBlock: bigint }): ChainVerifier {
  const client = createPublicClient({ transport: http(parameters.rpcUrl, { retryCount: 2 }) }) as PublicClient;
  const trades = new Map<Hex, ExecutedTrade>();
  const roots = new Map<Hex, CommittedBatchReceipt & { count: number }>();
  let scanned: bigint | undefined;
  let refreshing: Promise<void> | undefined;

  async function read(): Promise<void> {
    const fromBlock = scanned === undefined ? parameters.fromBlock : scanned + 1n;
    const history = await readVaultDecisionHistory({ client, vault: parameters.vault, fromBlock });
    for (const [id, trade] of history.trades) trades.set(id, trade);
    for (const [root, receipt] of history.roots) roots.set(root, receipt);
    if (scanned === undefined || history.toBlock > scanned) scanned = history.toBlock;
  }

  return {
    chainId: () => client.getChainId(),
    refresh() {
      // One scan at a time; a caller arriving during one waits for it, then scans what came after.
      const next = (refreshing ?? Promise.resolve()).catch(() => undefined).then(read);
      refreshing = next;
      return next;
    },
    async verify(records, batches) {
      const decisions: JournaledDecision[] = records.map((record) => journaledDecisionFrom(record));
      const stored = new Map<number, StoredBatch>();
      for (const [id, batch] of batches) stored.set(id, toStoredBatch(batch));
      const lookups = historyLookups({ trades, roots, toBlock: scanned ?? 0n });
      const report = await verifyJournal({
        journal: { decisions: { list: ({ offset = 0, limit } = {}) => decisions.slice(offset, limit === undefined ? undefined : offset + limit) }, batches: { get: (id) => stored.get(id) } },
        lookupTrade: lookups.lookupTrade,
        isRootCommitted: lookups.isRootCommitted,
      });
      return report.details;
    },
  };
}

/**
 * The decision's hash recomputed in this browser from its parsed content with the model's own
 * decisionHash (canonical JSON, keccak256); undefined when the stored JSON does not parse.
 *
 * @example
 * recomputedHash(record) === record.hash; // true unless the row was edited
 */
export function recomputedHash(record: ConsoleRecord): string | undefined {
  try {
    return decisionHash(journaledDecisionFrom(record).content);
  } catch {
    return undefined;
  }
}

function toStoredBatch(batch: ConsoleBatch): StoredBatch {
  return {
    id: batch.id,
    vault: undefined,
    root: batch.root,
    count: batch.count,
    prevRoot: batch.prevRoot,
    tree: batch.tree,
    status: batch.status,
    createdAt: 0,
    txHash: batch.txHash,
    block: batch.block === undefined ? undefined : BigInt(batch.block),
    onchainIndex: batch.onchainIndex,
    committedAt: undefined,
  };
}
