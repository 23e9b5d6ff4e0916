import { concat, encodeAbiParameters, keccak256 } from 'viem';
import type { Clock } from '../model/clock.js';
import type { Address, Hex } from '../model/address.js';
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
 * Builds the OpenZeppelin standard Merkle tree of [decisionId, decisionHash] leaves: the same tree, layout and
 * dump as `StandardMerkleTree.of(leaves, ['bytes32','bytes32'])` (so auditors can load it with the library),
 * computed with viem's keccak because the library takes about a millisecond per leaf. Leaves are sorted by
 * hash, so the root does not depend on the order given.
 *
 * @example
 * const { root, count } = buildBatch([{ id, hash }, { id: id2, hash: hash2 }]);
 */
export function buildBatch(decisions: readonly { id: Hex; hash: Hex }[]): BuiltBatch {
  if (decisions.length === 0) throw new BatchError('A batch needs at least one decision.');
  const leaves = decisions.map((decision, valueIndex) => {
    const value: DecisionLeaf = [decision.id.toLowerCase() as Hex, decision.hash.toLowerCase() as Hex];
    return { value, valueIndex, hash: decisionLeafHash(value[0], value[1]) };
  });
  // Equal-length lowercase hex compares as the numbers do; Array#sort is stable, like the library's.
  leaves.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  const tree = new Array<Hex>(2 * leaves.length - 1);
  leaves.forEach((leaf, index) => (tree[tree.length - 1 - index] = leaf.hash));
  for (let index = tree.length - 1 - leaves.length; index >= 0; index--) {
    tree[index] = nodeHash(tree[2 * index + 1]!, tree[2 * index + 2]!);
  }
  const values = leaves
    .map((leaf, leafIndex) => ({ valueIndex: leaf.valueIndex, value: leaf.value, treeIndex: tree.length - 1 - leafIndex }))
    .sort((a, b) => a.valueIndex - b.valueIndex)
    .map(({ value, treeIndex }) => ({ value, treeIndex }));
  const dump: DecisionTreeDump = { format: 'standard-v1', leafEncoding: [...decisionLeafEncoding], tree, values };
  return { root: tree[0]!, count: decisions.length, tree: dump };
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

/** An inner node: keccak256 of the two children, smaller first (DecisionMerkle.hashPair). */
function nodeHash(a: Hex, b: Hex): Hex {
  return keccak256(a < b ? concat([a, b]) : concat([b, a]));
}

/**
 * The proof of a decision from a stored tree dump (siblings from the leaf up), or undefined if the decision
 * is not in it.
 *
 * @example
 * const proof = proofFromDump(batch.tree, decisionId);
 */
export function proofFromDump(dump: DecisionTreeDump, decisionId: Hex): { proof: Hex[]; leaf: Hex } | undefined {
  const treeIndex = indexOf(dump, decisionId);
  if (treeIndex === undefined) return undefined;
  const proof: Hex[] = [];
  for (let index = treeIndex; index > 0; index = Math.floor((index - 1) / 2)) {
    proof.push(dump.tree[index % 2 === 1 ? index + 1 : index - 1] as Hex);
  }
  return { proof, leaf: dump.tree[treeIndex] as Hex };
}

// Verifying a batch asks for every decision's proof from the same dump: index it once.
const treeIndexes = new WeakMap<DecisionTreeDump, Map<string, number>>();

function indexOf(dump: DecisionTreeDump, decisionId: Hex): number | undefined {
  let byId = treeIndexes.get(dump);
  if (!byId) {
    byId = new Map(dump.values.map((entry) => [entry.value[0].toLowerCase(), entry.treeIndex]));
    treeIndexes.set(dump, byId);
  }
  return byId.get(decisionId.toLowerCase());
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
  const found = proofFromDump(batch.tree, decision.id);
  if (!found) throw new BatchError(`Decision ${decisionId} is missing from the tree of batch ${batch.id}.`);
  return {
    decisionId,
    decisionHash: decision.hash,
    batchId: batch.id,
    root: batch.root,
    proof: found.proof,
    leaf: decisionLeafHash(decision.id, decision.hash),
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
  const computed = parameters.proof.reduce<Hex>(
    (node, sibling) => nodeHash(node, sibling.toLowerCase() as Hex),
    decisionLeafHash(parameters.decisionId, parameters.decisionHash),
  );
  return computed === parameters.root.toLowerCase();
}

/**
 * Whether a stored tree proves a decision's [id, hash] leaf against `root`: exactly
 * `verifyDecisionProof({ root, decisionId, decisionHash, proof: proofFromDump(dump, decisionId).proof })`,
 * but verifying a whole batch costs a few hashes per leaf instead of a full path each. For each dump and
 * root it remembers the node values already shown to hash up to the root with the dump's siblings; a
 * leaf's path stops as soon as it computes one of them, since the rest of its path is that same
 * computation. Nothing from the stored tree is trusted but its siblings, as with a proof.
 *
 * @example
 * for (const decision of batchDecisions) provenByTree(batch.tree, batch.root, decision.id, decision.hash);
 */
export function provenByTree(dump: DecisionTreeDump, root: Hex, decisionId: Hex, decisionHash: Hex): boolean {
  const treeIndex = indexOf(dump, decisionId);
  if (treeIndex === undefined) return false;
  const wanted = root.toLowerCase() as Hex;
  let memo = provenNodes.get(dump);
  if (memo === undefined || memo.root !== wanted) {
    memo = { root: wanted, nodes: new Map() };
    provenNodes.set(dump, memo);
  }
  const path: [index: number, node: Hex][] = [];
  let node = decisionLeafHash(decisionId, decisionHash);
  for (let index = treeIndex; index > 0; index = Math.floor((index - 1) / 2)) {
    if (memo.nodes.get(index) === node) return remember(memo, path);
    path.push([index, node]);
    node = nodeHash(node, (dump.tree[index % 2 === 1 ? index + 1 : index - 1] as Hex).toLowerCase() as Hex);
  }
  return node === wanted && remember(memo, path);
}

// Per tree dump: the root it was checked against, and node values (by tree index) proven to reach it.
const provenNodes = new WeakMap<DecisionTreeDump, { root: Hex; nodes: Map<number, Hex> }>();

function remember(memo: { nodes: Map<number, Hex> }, path: readonly [number, Hex][]): true {
  for (const [index, node] of path) memo.nodes.set(index, node);
  return true;
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
  /** The same clock the journal was opened with: batch age compares its now() with completion times. */
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
