import type { StoredBatch } from '../journal/batch-store.js';
import { storedDecisionFrom, type DecisionRow } from '../journal/decision-store.js';
import type { Journal } from '../journal/open-journal.js';
import { toAddress, type Address, type Hex } from '../model/address.js';
import type { ConsoleBatch, ConsoleRecord, ConsoleRun } from './console-types.js';

export type ConsoleJournalParameters = {
  journal: Pick<Journal, 'db' | 'runs' | 'batches'>;
  chainId: number;
  vault: Address;
};

/** A cheap fingerprint of what the page shows: it changes whenever a decision is added, completed or batched. */
export type JournalSignature = { total: number; newest: number; pending: number; unbatched: number; committedBatches: number };

/** The journal as the console reads it: only the on-chain runs (live or demo) of one chain and vault. */
export type ConsoleJournal = {
  /** The runs shown, newest first (read again on every call: a run may start while the console is up). */
  runs(): ConsoleRun[];
  /** Decisions older than `before` (a position), newest first; all from the newest without it. */
  page(parameters: { before?: number | undefined; limit: number }): ConsoleRecord[];
  /** Decisions newer than `after`, oldest first (what arrived since the page loaded). */
  newer(parameters: { after: number; limit: number }): ConsoleRecord[];
  /** These decisions, as they are now (their outcome or batch may have changed). */
  byIds(ids: readonly Hex[]): ConsoleRecord[];
  /** The batches with these ids, with their trees (committed ones are parsed once and kept). */
  batches(ids: readonly number[]): ConsoleBatch[];
  count(): number;
  signature(): JournalSignature;
  /** The block of the first trade shown, if any: the vault's balances just before it are what the agent started with. */
  firstTradeBlock(): bigint | undefined;
};

type Row = DecisionRow & { position: number };

const columns = `d.rowid AS position, d.id, d.run_id, d.seq, d.time, d.strategy_id, d.status, d.canonical_json, d.hash, d.reason,
  d.tx_hash, d.fill_json, d.created_at, d.completed_at, d.batch_id, d.trigger`;
// The runs shown are passed as a JSON array: one statement whatever their number.
const inRuns = 'd.run_id IN (SELECT value FROM json_each(@runs))';
// Paging walks the rowid; `+` keeps SQLite from using the (run_id, seq) index instead, which would sort
// every row of the runs for each page.
const inRunsByRowid = '+d.run_id IN (SELECT value FROM json_each(@runs))';

/**
 * Reads the decisions the console shows straight from the journal's SQLite tables (keyset paging on the row
 * position, so page 1,000 costs what page 1 does). Backtests share the journal file but have no chain or
 * vault, and runs against another chain or vault are left out: they are never shown as if on this chain.
 *
 * @example
 * const reader = createConsoleJournal({ journal, chainId: 31337, vault });
 * const newest = reader.page({ limit: 500 });
 */
export function createConsoleJournal(parameters: ConsoleJournalParameters): ConsoleJournal {
  const { journal, chainId, vault } = parameters;
  const db = journal.db;
  const pageStatement = db.prepare<[{ runs: string; before: number; limit: number }], Row>(
    `SELECT ${columns} FROM decisions d WHERE ${inRunsByRowid} AND d.rowid < @before ORDER BY d.rowid DESC LIMIT @limit`,
  );
  const newerStatement = db.prepare<[{ runs: string; after: number; limit: number }], Row>(
    `SELECT ${columns} FROM decisions d WHERE ${inRunsByRowid} AND d.rowid > @after ORDER BY d.rowid ASC LIMIT @limit`,
  );
  const byIdsStatement = db.prepare<[{ runs: string; ids: string }], Row>(
    `SELECT ${columns} FROM decisions d WHERE ${inRuns} AND d.id IN (SELECT value FROM json_each(@ids))`,
  );
  const countStatement = db.prepare<[{ runs: string }], { n: number }>(`SELECT COUNT(*) AS n FROM decisions d WHERE ${inRuns}`);
  const signatureStatement = db.prepare<[{ runs: string }], { total: number; newest: number | null; pending: number | null; unbatched: number | null }>(
    `SELECT COUNT(*) AS total, MAX(d.rowid) AS newest, SUM(d.status = 'pending') AS pending,
       SUM(d.batch_id IS NULL AND d.status NOT IN ('pending', 'trade')) AS unbatched
     FROM decisions d WHERE ${inRuns}`,
  );
  const committedStatement = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM batches WHERE status = 'committed'");
  const firstTradeStatement = db.prepare<[{ runs: string }], { block: string | null }>(
    `SELECT MIN(CAST(json_extract(d.fill_json, '$.block') AS INTEGER)) AS block FROM decisions d WHERE ${inRuns} AND d.status = 'trade'`,
  );

  const committed = new Map<number, ConsoleBatch>();

  function runs(): ConsoleRun[] {
    return journal.runs
      .list()
      .filter((run) => run.mode !== 'backtest' && run.chainId === chainId && run.vault !== undefined && toAddress(run.vault) === vault)
      .map((run) => ({ id: run.id, mode: run.mode, status: run.status, startedAt: run.startedAt, endedAt: run.endedAt }));
  }
  const runIds = () => JSON.stringify(runs().map((run) => run.id));

  return {
    runs,
    page: ({ before, limit }) => pageStatement.all({ runs: runIds(), before: before ?? Number.MAX_SAFE_INTEGER, limit }).map(toRecord),
    newer: ({ after, limit }) => newerStatement.all({ runs: runIds(), after, limit }).map(toRecord),
    byIds: (ids) => (ids.length === 0 ? [] : byIdsStatement.all({ runs: runIds(), ids: JSON.stringify(ids) }).map(toRecord)),
    batches(ids) {
      const out: ConsoleBatch[] = [];
      for (const id of new Set(ids)) {
        let batch = committed.get(id);
        if (!batch) {
          const stored = journal.batches.get(id);
          if (!stored) continue;
          batch = toConsoleBatch(stored);
          // A committed batch never changes again: its parsed tree is kept rather than parsed per request.
          if (batch.status === 'committed') committed.set(id, batch);
        }
        out.push(batch);
      }
      return out;
    },
    count: () => countStatement.get({ runs: runIds() })?.n ?? 0,
    firstTradeBlock() {
      const block = firstTradeStatement.get({ runs: runIds() })?.block;
      return block === null || block === undefined ? undefined : BigInt(block);
    },
    signature() {
      const row = signatureStatement.get({ runs: runIds() })!;
      return { total: row.total, newest: row.newest ?? 0, pending: row.pending ?? 0, unbatched: row.unbatched ?? 0, committedBatches: committedStatement.get()?.n ?? 0 };
    },
  };
}

function toRecord(row: Row): ConsoleRecord {
  return { position: row.position, ...storedDecisionFrom(row) };
}

/**
 * A stored batch as the page receives it (block as a decimal string).
 *
 * @example
 * toConsoleBatch(journal.batches.get(1)!);
 */
export function toConsoleBatch(batch: StoredBatch): ConsoleBatch {
  return {
    id: batch.id,
    root: batch.root,
    count: batch.count,
    prevRoot: batch.prevRoot,
    status: batch.status,
    onchainIndex: batch.onchainIndex,
    txHash: batch.txHash,
    block: batch.block?.toString(),
    tree: batch.tree,
  };
}
