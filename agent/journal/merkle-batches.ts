import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { encodeAbiParameters, keccak256 } from 'viem';
import type { Clock } from '../kernel/clock.js';
import type { Address, Hex } from '../market/market-event.js';
import { zeroRoot, type BatchStore, type DecisionLeaf, type DecisionTreeDump, type StoredBatch } from './batch-store.js';
import type { DecisionStore, UnbatchedStats } from './decision-store.js';
import { BatchError, UnknownDecisionError } from './journal-errors.js';

/** The leaf encoding the vault verifies: abi.encode(bytes32 decisionId, bytes32 decisionHash). */
export const decisionLeafEncoding = ['bytes32', 'bytes32'];

/** A tree built from decisions, not yet stored. */
export type BuiltBatch = {
  root: Hex;
  count: number;
  tree: DecisionTreeDump;
};

/**
 * Builds the OpenZeppelin standard Merkle tree of [decisionId, decisionHash] leaves. Leaves are sorted by
 * the library, so the root does not depend on the order given.
 *
 * @example
 * const { root, count } = buildBatch([{ id, hash }, { id: id2, hash: hash2 }]);
 */
export function buildBatch(decisions: readonly { id: Hex; hash: Hex }[]): BuiltBatch {
  if (decisions.length === 0) throw new BatchError('A batch needs at least one decision.');
  const tree = StandardMerkleTree.of<DecisionLeaf>(
    decisions.map((decision) => [decision.id, decision.hash]),
    decisionLeafEncoding,
  );
  return { root: tree.root as Hex, count: decisions.length, tree: tree.dump() };
}

/**
 * The leaf hash exactly as MandateVault computes it: keccak256(bytes.concat(keccak256(abi.encode(id, hash)))).
 *
 * @example
 * decisionLeafHash(decision.id, decision.hash) === StandardMerkleTree.load(dump).leafHash([id, hash]);
 */
export function decisionLeafHash(id: Hex, hash: Hex): Hex {
  return keccak256(keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes32' }], [id, hash])));
}

/** The journal pieces batching needs (a Journal from openJournal fits). */
export type BatchJournal = {
  decisions: Pick<DecisionStore, 'get' | 'unbatched' | 'unbatchedStats'>;
  batches: BatchStore;
  transaction<T>(fn: () => T): T;
};

export type PrepareBatchParameters = {
  /** The vault the root goes to: only decisions of runs against it are batched. */
  vault: Address | undefined;
  /** At most this many decisions in the batch (oldest first). Default: all unbatched ones. */
  maxDecisions?: number | undefined;
};

/**
 * Builds a batch from the unbatched non-trade decisions and stores it as pending, with its decisions
 * assigned, in one transaction. Call it BEFORE sending the root: after a crash, the pending batch says
 * exactly which decisions the root in flight covers. Returns undefined when nothing is waiting.
 *
 * @example
 * const batch = prepareBatch(journal, { vault });
 * if (batch) await vault.write.commitDecisions([batch.root, batch.count]);
 */
export function prepareBatch(journal: BatchJournal, parameters: PrepareBatchParameters): StoredBatch | undefined {
  return journal.transaction(() => {
    const waiting = journal.decisions.unbatched({ vault: parameters.vault, limit: parameters.maxDecisions });
    if (waiting.length === 0) return undefined;
    const built = buildBatch(waiting);
    return journal.batches.insertPending({
      vault: parameters.vault,
      root: built.root,
      prevRoot: journal.batches.latest(parameters.vault)?.root ?? zeroRoot,
      tree: built.tree,
      decisionIds: waiting.map((decision) => decision.id),
    });
  });
}

/** Everything needed to prove one decision against the vault's committed root. */
export type DecisionProof = {
  decisionId: Hex;
  decisionHash: Hex;
  batchId: number;
  root: Hex;
  proof: Hex[];
  leaf: Hex;
  /** Only a 'committed' batch's root is on-chain. */
  batchStatus: StoredBatch['status'];
  /** The vault's batch number (verifyDecision's first argument), once the commit is known. */
  onchainIndex: number | undefined;
  txHash: Hex | undefined;
};

/**
 * The inclusion proof of a batched decision, from the stored tree.
 *
 * @example
 * const { onchainIndex, decisionHash, proof } = proofFor(journal, decisionId);
 * await vault.read.verifyDecision([BigInt(onchainIndex!), decisionId, decisionHash, proof]);
 */
export function proofFor(journal: Pick<BatchJournal, 'decisions' | 'batches'>, decisionId: Hex): DecisionProof {
  const decision = journal.decisions.get(decisionId);
  if (!decision) throw new UnknownDecisionError(decisionId);
  if (decision.batchId === undefined) {
    throw new BatchError(`Decision ${decisionId} is in no batch yet.`, {
      details:
        decision.status === 'trade'
          ? 'Trades are proven by their TradeExecuted event, not by a Merkle batch.'
          : `Its status is ${decision.status}; completed non-trade decisions join the next batch.`,
    });
  }
  const batch = journal.batches.get(decision.batchId);
  if (!batch) throw new BatchError(`Batch ${decision.batchId} of decision ${decisionId} is missing.`);
  const tree = StandardMerkleTree.load(batch.tree);
  return {
    decisionId,
    decisionHash: decision.hash,
    batchId: batch.id,
    root: batch.root,
    proof: tree.getProof([decision.id, decision.hash]) as Hex[],
    leaf: tree.leafHash([decision.id, decision.hash]) as Hex,
    batchStatus: batch.status,
    onchainIndex: batch.onchainIndex,
    txHash: batch.txHash,
  };
}

/**
 * Checks a proof the way the vault does (sorted pairs, double-hashed leaf).
 *
 * @example
 * verifyDecisionProof({ root, decisionId, decisionHash, proof }); // true
 */
export function verifyDecisionProof(parameters: { root: Hex; decisionId: Hex; decisionHash: Hex; proof: readonly Hex[] }): boolean {
  return StandardMerkleTree.verify<DecisionLeaf>(
    parameters.root,
    decisionLeafEncoding,
    [parameters.decisionId, parameters.decisionHash],
    [...parameters.proof],
  );
}

/** When to commit: after this many waiting decisions, or once the oldest has waited this long. */
export type BatchPolicy = {
  maxDecisions: number;
  maxAgeSeconds: number;
};

/**
 * Whether a batch is due now. Age is measured from the oldest waiting decision's completion, in the
 * clock's time, so backtests and tests decide exactly as live runs do.
 *
 * @example
 * isBatchDue(journal.decisions.unbatchedStats(vault), { maxDecisions: 50, maxAgeSeconds: 300 }, clock.now());
 */
export function isBatchDue(stats: UnbatchedStats, policy: BatchPolicy, nowMs: number): boolean {
  if (stats.count === 0) return false;
  if (stats.count >= policy.maxDecisions) return true;
  return stats.oldestCompletedAt !== undefined && nowMs - stats.oldestCompletedAt >= policy.maxAgeSeconds * 1000;
}

/** Where a root landed on-chain. */
export type CommittedBatchReceipt = {
  txHash: Hex;
  block: bigint;
  onchainIndex?: number | undefined;
  prevRoot?: Hex | undefined;
};

/** Sends `vault.commitDecisions(root, count)` and resolves once it is mined. Injected to stay chain-agnostic. */
export type CommitDecisions = (batch: { root: Hex; count: number; prevRoot: Hex }) => Promise<CommittedBatchReceipt>;

/** Finds a root already committed on-chain (a DecisionsCommitted event), so a restart never re-sends it. */
export type FindCommittedRoot = (root: Hex) => Promise<CommittedBatchReceipt | undefined>;

export type CreateBatchCommitterParameters = {
  journal: BatchJournal;
  vault: Address | undefined;
  policy: BatchPolicy;
  clock: Clock;
  commit: CommitDecisions;
  /** Checked before (re)sending a batch left pending by a crash. Without it, such a batch is re-sent. */
  findCommitted?: FindCommittedRoot | undefined;
};

export type BatchCommitter = {
  /** Finishes batches left pending, then commits a new batch if the policy says it is due. */
  tick(): Promise<StoredBatch[]>;
  /** Finishes pending batches and commits everything waiting, due or not (shutdown, end of demo). */
  flush(): Promise<StoredBatch[]>;
};

/**
 * Commits non-trade decisions on-chain in Merkle batches by count or age. One commit runs at a time;
 * a failed send leaves its batch pending and the next tick retries it first, so roots go out in order.
 *
 * @example
 * const committer = createBatchCommitter({ journal, vault, clock, policy: { maxDecisions: 50, maxAgeSeconds: 300 },
 *   commit: async ({ root, count }) => sendCommitDecisions(root, count) });
 * await committer.tick(); // after each decision, or on an interval
 */
export function createBatchCommitter(parameters: CreateBatchCommitterParameters): BatchCommitter {
  const { journal, vault, policy, clock, commit, findCommitted } = parameters;
  // Runs are chained so two ticks never send two roots at once (roots must go out in order).
  let queue: Promise<unknown> = Promise.resolve();

  async function send(batch: StoredBatch, maybeSentBefore: boolean): Promise<StoredBatch> {
    const found = maybeSentBefore ? await findCommitted?.(batch.root) : undefined;
    const receipt = found ?? (await commit({ root: batch.root, count: batch.count, prevRoot: batch.prevRoot }));
    return journal.batches.markCommitted(batch.id, receipt);
  }

  async function run(force: boolean): Promise<StoredBatch[]> {
    const committed: StoredBatch[] = [];
    // A pending batch was stored by an earlier attempt that crashed or failed: its root may be on-chain.
    for (const batch of journal.batches.pending(vault)) committed.push(await send(batch, true));
    const stats = journal.decisions.unbatchedStats(vault);
    if (force ? stats.count > 0 : isBatchDue(stats, policy, clock.now())) {
      const batch = prepareBatch(journal, { vault });
      if (batch) committed.push(await send(batch, false));
    }
    return committed;
  }

  function exclusive(force: boolean): Promise<StoredBatch[]> {
    const next = queue.then(() => run(force));
    queue = next.catch(() => undefined);
    return next;
  }

  return { tick: () => exclusive(false), flush: () => exclusive(true) };
}
