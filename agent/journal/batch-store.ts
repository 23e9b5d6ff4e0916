import type BetterSqlite3 from 'better-sqlite3';
import type { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import type { Clock } from '../model/clock.js';
import type { Address, Hex } from '../model/address.js';
import { BatchError, throwAsJournalError } from './journal-errors.js';
import { readStoredAddress, storedAddress } from './stored-address.js';

/** A Merkle leaf as the vault checks it: [decisionId, decisionHash], both bytes32. */
export type DecisionLeaf = [id: Hex, hash: Hex];

/** What StandardMerkleTree.dump() returns for decision leaves (the package does not export the type). */
export type DecisionTreeDump = ReturnType<StandardMerkleTree<DecisionLeaf>['dump']>;

export type BatchStatus = 'pending' | 'committed';

/** A Merkle batch of non-trade decisions, as stored. */
export type StoredBatch = {
  /** Local batch number (the journal's own; `onchainIndex` is the vault's once known). */
  id: number;
  /** The vault the batch is for; undefined when the journal has no vault (tests, tools). */
  vault: Address | undefined;
  root: Hex;
  count: number;
  /** The root of the batch before it for the same vault (zero hash for the first). */
  prevRoot: Hex;
  /** The full tree (StandardMerkleTree.dump()), so any proof can be produced later. */
  tree: DecisionTreeDump;
  status: BatchStatus;
  createdAt: number;
  txHash: Hex | undefined;
  block: bigint | undefined;
  onchainIndex: number | undefined;
  committedAt: number | undefined;
};

export type InsertBatchParameters = {
  vault: Address | undefined;
  root: Hex;
  prevRoot: Hex;
  tree: DecisionTreeDump;
  /** The decisions in the tree; each must be unbatched, or nothing is written. */
  decisionIds: readonly Hex[];
};

export type MarkBatchCommittedParameters = {
  txHash: Hex;
  block: bigint;
  /** The vault's batch index from DecisionsCommitted, when known. */
  onchainIndex?: number | undefined;
  /** The prevRoot the vault emitted; replaces the local guess (they differ only if batches were reordered). */
  prevRoot?: Hex | undefined;
};

export type BatchStore = {
  /** Stores a pending batch and assigns its decisions to it, atomically: all or nothing. */
  insertPending(parameters: InsertBatchParameters): StoredBatch;
  markCommitted(id: number, parameters: MarkBatchCommittedParameters): StoredBatch;
  get(id: number): StoredBatch | undefined;
  /** Batches stored but not known to be committed, oldest first (they must be sent in this order). */
  pending(vault?: Address): StoredBatch[];
  /** The newest batch for a vault, committed or not: the next batch's prevRoot. */
  latest(vault?: Address): StoredBatch | undefined;
  list(): StoredBatch[];
};

export const zeroRoot: Hex = `0x${'0'.repeat(64)}`;

type BatchRow = {
  id: number;
  vault: string | null;
  root: string;
  count: number;
  prev_root: string;
  tree_json: string;
  status: BatchStatus;
  created_at: number;
  tx_hash: string | null;
  block: number | null;
  onchain_index: number | null;
  committed_at: number | null;
};

/**
 * Builds the batch store on an open, migrated journal database. Use merkle-batches.ts to build trees.
 *
 * @example
 * const batch = createBatchStore(db, clock).insertPending({ vault, root, prevRoot, tree, decisionIds });
 */
export function createBatchStore(db: BetterSqlite3.Database, clock: Clock): BatchStore {
  const insert = db.prepare(`INSERT INTO batches (vault, root, count, prev_root, tree_json, created_at)
    VALUES (@vault, @root, @count, @prevRoot, @treeJson, @createdAt)`);
  const assign = db.prepare<[{ batchId: number; id: string }]>(
    `UPDATE decisions SET batch_id = @batchId WHERE id = @id AND batch_id IS NULL AND status NOT IN ('pending', 'trade')`,
  );
  const selectOne = db.prepare<[number], BatchRow>('SELECT * FROM batches WHERE id = ?');
  const update = db.prepare(`UPDATE batches SET status = 'committed', tx_hash = @txHash, block = @block,
    onchain_index = @onchainIndex, prev_root = COALESCE(@prevRoot, prev_root), committed_at = @committedAt WHERE id = @id`);
  const selectPending = db.prepare<[{ vault: string | null }], BatchRow>(
    `SELECT * FROM batches WHERE status = 'pending' AND (@vault IS NULL OR vault = @vault) ORDER BY id`,
  );
  const selectLatest = db.prepare<[{ vault: string | null }], BatchRow>(
    'SELECT * FROM batches WHERE vault IS @vault ORDER BY id DESC LIMIT 1',
  );

  const insertPending = db.transaction((parameters: InsertBatchParameters): StoredBatch => {
    if (parameters.decisionIds.length === 0) throw new BatchError('A batch needs at least one decision.');
    const batchId = Number(
      insert.run({
        vault: storedAddress(parameters.vault),
        root: parameters.root,
        count: parameters.decisionIds.length,
        prevRoot: parameters.prevRoot,
        treeJson: JSON.stringify(parameters.tree),
        createdAt: Math.floor(clock.now()),
      }).lastInsertRowid,
    );
    for (const id of parameters.decisionIds) {
      if (assign.run({ batchId, id }).changes !== 1) {
        // Throwing rolls the whole batch back: no decision is left pointing at a half-stored batch.
        throw new BatchError(`Decision ${id} cannot join a batch.`, {
          details: 'Only completed non-trade decisions (hold, denied, failed, superseded) that are in no batch yet are accepted.',
        });
      }
    }
    return toBatch(selectOne.get(batchId)!);
  });

  return {
    insertPending: (parameters) => {
      try {
        return insertPending(parameters);
      } catch (error) {
        throwAsJournalError(error, `store batch ${parameters.root}`);
      }
    },
    markCommitted(id, parameters) {
      let changes: number;
      try {
        changes = update.run({
          id,
          txHash: parameters.txHash,
          block: parameters.block,
          onchainIndex: parameters.onchainIndex ?? null,
          prevRoot: parameters.prevRoot ?? null,
          committedAt: Math.floor(clock.now()),
        }).changes;
      } catch (error) {
        throwAsJournalError(error, `mark batch ${id} committed`);
      }
      if (changes === 0) throw new BatchError(`Unknown batch ${id}.`, { details: 'Only stored batches can be marked committed.' });
      return toBatch(selectOne.get(id)!);
    },
    get: (id) => {
      const row = selectOne.get(id);
      return row ? toBatch(row) : undefined;
    },
    pending: (vault) => selectPending.all({ vault: storedAddress(vault) }).map(toBatch),
    latest: (vault) => {
      const row = selectLatest.get({ vault: storedAddress(vault) });
      return row ? toBatch(row) : undefined;
    },
    list: () => db.prepare<[], BatchRow>('SELECT * FROM batches ORDER BY id').all().map(toBatch),
  };
}

function toBatch(row: BatchRow): StoredBatch {
  return {
    id: row.id,
    vault: readStoredAddress(row.vault),
    root: row.root as Hex,
    count: row.count,
    prevRoot: row.prev_root as Hex,
    tree: JSON.parse(row.tree_json) as DecisionTreeDump,
    status: row.status,
    createdAt: row.created_at,
    txHash: (row.tx_hash ?? undefined) as Hex | undefined,
    block: row.block === null ? undefined : BigInt(row.block),
    onchainIndex: row.onchain_index ?? undefined,
    committedAt: row.committed_at ?? undefined,
  };
}
